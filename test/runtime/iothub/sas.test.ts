// SAS tokens as IoT Hub checks them (docs/FACTS.md §4): sign → verify, and each way a token fails;
// and the connection strings that carry the keys.
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { deviceConnectionString, parseConnectionString, serviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { parseSasToken, signSasToken, verifySasToken } from '../../../src/runtime/iothub/sas.js';

const hub = 'local-hub:18883';
const deviceAudience = `${hub}/devices/sensor-1`;
const key = randomBytes(32).toString('base64');
const secondary = randomBytes(32).toString('base64');
const now = 1_900_000_000;

function check(token: string, overrides: Partial<Parameters<typeof verifySasToken>[1]> = {}) {
  return verifySasToken(token, { audiences: [deviceAudience], keys: [key, secondary], nowSeconds: now, ...overrides });
}

describe('signSasToken and parseSasToken', () => {
  it('writes sr and sig strictly URL-encoded, as the SDKs do', () => {
    const token = signSasToken(deviceAudience, key, now + 3600);
    expect(token).toMatch(/^SharedAccessSignature sr=local-hub%3A18883%2Fdevices%2Fsensor-1&sig=[^&=+/]+&se=1900003600$/);
    const parsed = parseSasToken(token)!;
    expect(parsed.sr).toBe('local-hub%3A18883%2Fdevices%2Fsensor-1');
    expect(parsed.se).toBe(now + 3600);
    expect(Buffer.from(parsed.sig, 'base64')).toHaveLength(32);
    expect(parsed.skn).toBeUndefined();
  });

  it('carries the policy name for service tokens', () => {
    expect(parseSasToken(signSasToken('local-hub', key, now + 10, 'iothubowner'))?.skn).toBe('iothubowner');
  });

  it('reads field names case-insensitively', () => {
    const token = signSasToken(deviceAudience, key, now + 60).replace('sr=', 'SR=').replace('se=', 'Se=');
    expect(check(token)).toBe('ok');
  });
});

describe('verifySasToken', () => {
  it('accepts a token signed with the primary or the secondary key', () => {
    expect(check(signSasToken(deviceAudience, key, now + 60))).toBe('ok');
    expect(check(signSasToken(deviceAudience, secondary, now + 60))).toBe('ok');
  });

  it('says expired once se is reached', () => {
    expect(check(signSasToken(deviceAudience, key, now))).toBe('expired');
    expect(check(signSasToken(deviceAudience, key, now - 1))).toBe('expired');
  });

  it('says wrong-audience for another identity, even when the signature is right', () => {
    expect(check(signSasToken(`${hub}/devices/sensor-2`, key, now + 60))).toBe('wrong-audience');
    expect(check(signSasToken(`other-hub/devices/sensor-1`, key, now + 60))).toBe('wrong-audience');
  });

  it('compares the audience case-insensitively after full decoding', () => {
    expect(check(signSasToken(deviceAudience.toUpperCase(), key, now + 60))).toBe('ok');
    // The edge hub encodes ids before encoding the whole audience again (iothub-facts.md §4).
    const twiceEncoded = `${hub}/devices/edge-1/modules/${encodeURIComponent(encodeURIComponent('$edgeHub'))}`;
    expect(verifySasToken(signSasToken(twiceEncoded, key, now + 60), { audiences: [`${hub}/devices/edge-1/modules/$edgeHub`], keys: [key], nowSeconds: now })).toBe('ok');
  });

  it('says bad-signature for another key', () => {
    expect(check(signSasToken(deviceAudience, randomBytes(32).toString('base64'), now + 60))).toBe('bad-signature');
  });

  it('says bad-signature when the expiry was changed after signing', () => {
    const token = signSasToken(deviceAudience, key, now + 60).replace(`se=${now + 60}`, `se=${now + 999999}`);
    expect(check(token)).toBe('bad-signature');
  });

  it('says malformed for text that is not a token', () => {
    for (const text of ['', 'password', 'SharedAccessSignature ', 'SharedAccessSignature sr=a&sig=b', 'SharedAccessSignature sr=a&sig=b&se=soon', 'SharedAccessSignature sr=a&sig=b&se=1&se=2', 'SharedAccessSignature sr=a&sig=%E0%A4%A&se=1', 'SharedAccessSignature sr=a&&sig=b&se=1']) {
      expect(check(text), text).toBe('malformed');
    }
  });

  it('accepts a module token signed with the module key, not with another key', () => {
    const moduleKey = randomBytes(32).toString('base64');
    const moduleAudience = `${hub}/devices/edge-1/modules/filter`;
    const token = signSasToken(moduleAudience, moduleKey, now + 60);
    expect(verifySasToken(token, { audiences: [moduleAudience], keys: [moduleKey], nowSeconds: now })).toBe('ok');
    expect(verifySasToken(token, { audiences: [moduleAudience], keys: [key], nowSeconds: now })).toBe('bad-signature');
  });

  it('checks the policy name when one is required', () => {
    const token = signSasToken('local-hub', key, now + 60, 'iothubowner');
    expect(verifySasToken(token, { audiences: ['local-hub'], keys: [key], nowSeconds: now, policyName: 'iothubowner' })).toBe('ok');
    expect(verifySasToken(token, { audiences: ['local-hub'], keys: [key], nowSeconds: now, policyName: 'service' })).toBe('bad-signature');
    expect(verifySasToken(signSasToken('local-hub', key, now + 60), { audiences: ['local-hub'], keys: [key], nowSeconds: now, policyName: 'iothubowner' })).toBe('bad-signature');
  });

  it('never matches an empty key', () => {
    expect(check(signSasToken(deviceAudience, '', now + 60), { keys: [''] })).toBe('bad-signature');
  });
});

describe('connection strings', () => {
  it('writes device, module and service strings the SDKs read, and reads them back', () => {
    expect(deviceConnectionString('127.0.0.1:18883', 'sensor-1', key)).toBe(`HostName=127.0.0.1:18883;DeviceId=sensor-1;SharedAccessKey=${key}`);
    expect(parseConnectionString(deviceConnectionString('127.0.0.1:18883', 'edge-1', key, 'filter'))).toEqual({ HostName: '127.0.0.1:18883', DeviceId: 'edge-1', ModuleId: 'filter', SharedAccessKey: key });
    expect(parseConnectionString(`${serviceConnectionString('local-hub', 'iothubowner', key)};`)).toEqual({ HostName: 'local-hub', SharedAccessKeyName: 'iothubowner', SharedAccessKey: key });
  });

  it('keeps the = padding of base64 keys and a gateway appended to the string', () => {
    const parsed = parseConnectionString(`${deviceConnectionString('hub', 'leaf', 'AAAA==')};GatewayHostName=127.0.0.1:8883`);
    expect(parsed).toMatchObject({ SharedAccessKey: 'AAAA==', GatewayHostName: '127.0.0.1:8883' });
  });

  it('refuses a part that is not Key=value without echoing it', () => {
    expect(() => parseConnectionString('HostName=hub;s3cretpart')).toThrow(/part 2 is not Key=value/);
    expect(() => parseConnectionString('HostName=hub;s3cretpart')).not.toThrow(/s3cret/);
    expect(() => parseConnectionString('HostName=a;HostName=b')).toThrow(/twice/);
  });
});
