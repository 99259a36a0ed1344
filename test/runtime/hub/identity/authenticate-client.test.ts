// The CONNECT check from the cache, with the scope read from the real emulator and tokens signed
// with the keys it made: what IoT Hub's SAS rules accept, and every refusal the issue names.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { acceptedHostNames, authenticateFromCache, NOT_SYNCED_REASON, type ConnectRequest } from '../../../../src/runtime/hub/identity/authenticate-client.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { memoryRecords, type MemoryRecords } from './memory-records.js';
import { EDGE, startScopeCloud, type ScopeCloud } from './scope-cloud.js';

const GATEWAY = 'gateway.local';
const NOW = Math.floor(Date.now() / 1000);
const SEAL = Buffer.alloc(32, 3);

let world: ScopeCloud;
let records: MemoryRecords;
let cache: IdentityCache;

beforeAll(async () => {
  world = await startScopeCloud();
  records = memoryRecords();
  cache = IdentityCache.open(records, EDGE, { sealKey: SEAL });
  await cache.replace(await world.fetchScope());
});

afterAll(async () => {
  await world?.close();
});

const clientIdOf = (identity: ClientIdentity): string => (identity.moduleId === undefined ? identity.deviceId : `${identity.deviceId}/${identity.moduleId}`);
const pathOf = (identity: ClientIdentity): string => `/devices/${identity.deviceId}${identity.moduleId === undefined ? '' : `/modules/${identity.moduleId}`}`;

/** A CONNECT as the device SDK sends it, with a token for `audience` signed with `key`. */
function connect(identity: ClientIdentity, options: { key?: string; audience?: ClientIdentity; host?: string; expiresAt?: number } = {}): ConnectRequest {
  const host = options.host ?? world.hostName;
  const token = signSasToken(host + pathOf(options.audience ?? identity), options.key ?? world.keyOf(identity), options.expiresAt ?? NOW + 3600);
  return { clientId: clientIdOf(identity), username: `${host}/${clientIdOf(identity)}/?api-version=2021-04-12`, password: Buffer.from(token), protocolVersion: 4 };
}

function check(request: ConnectRequest, against: IdentityCache = cache, refreshed: ClientIdentity[] = []) {
  return authenticateFromCache(request, { cache: against, hostNames: [world.hostName, GATEWAY], nowSeconds: NOW, requestRefresh: (identity) => refreshed.push(identity) });
}

describe('authenticateFromCache: accepted', () => {
  it('a child device with its primary or secondary key', () => {
    const child = { deviceId: 'child-1' };
    expect(check(connect(child))).toEqual({ ok: true, client: { identity: child, generationId: world.child.generationId, expiresAtSeconds: NOW + 3600 } });
    expect(check(connect(child, { key: world.child.authentication.symmetricKey.secondaryKey })).ok).toBe(true);
  });

  it('a token for the gateway host name', () => {
    expect(check(connect({ deviceId: 'child-1' }, { host: GATEWAY })).ok).toBe(true);
  });

  it('a module with its own key, or with its device\'s key, for the module or the device audience', () => {
    const filter = { deviceId: EDGE, moduleId: 'filter' };
    const edgeKey = world.keyOf({ deviceId: EDGE });
    for (const request of [connect(filter), connect(filter, { key: edgeKey }), connect(filter, { key: edgeKey, audience: { deviceId: EDGE } }), connect(filter, { audience: { deviceId: EDGE } })]) {
      expect(check(request)).toEqual({ ok: true, client: { identity: filter, generationId: world.filter.generationId, expiresAtSeconds: NOW + 3600 } });
    }
  });

  it('after a restart, from the persisted cache, with no cloud asked', () => {
    const reopened = IdentityCache.open(records, EDGE, { sealKey: SEAL });
    expect(check(connect({ deviceId: 'child-1' }), reopened).ok).toBe(true);
    expect(check(connect({ deviceId: EDGE, moduleId: 'filter' }), reopened).ok).toBe(true);
  });
});

describe('authenticateFromCache: refused', () => {
  const refusal = (request: ConnectRequest, refreshed: ClientIdentity[] = [], against = cache) => {
    const verdict = check(request, against, refreshed);
    if (verdict.ok) throw new Error('expected a refusal');
    return { returnCode: verdict.returnCode, reason: verdict.reason };
  };

  it('a wrong key, and the refresher is told (the key may have been rotated)', () => {
    const refreshed: ClientIdentity[] = [];
    expect(refusal(connect({ deviceId: 'child-1' }, { key: Buffer.alloc(32, 9).toString('base64') }), refreshed)).toEqual({ returnCode: 5, reason: 'child-1: the SharedAccessSignature token is not signed with a key of this identity' });
    expect(refreshed).toEqual([{ deviceId: 'child-1' }]);
  });

  it('a key of another identity: a device may not sign with its module\'s key, a module not with a sibling\'s', () => {
    expect(refusal(connect({ deviceId: EDGE }, { key: world.keyOf({ deviceId: EDGE, moduleId: 'filter' }) })).reason).toMatch(/not signed with a key of this identity/);
    expect(refusal(connect({ deviceId: EDGE, moduleId: 'filter' }, { key: world.keyOf({ deviceId: EDGE, moduleId: '$edgeAgent' }) })).reason).toMatch(/not signed with a key of this identity/);
  });

  it('this edge device\'s own $edgeHub and $edgeAgent, even with their valid keys (the hub is $edgeHub; the agent runs in-process)', () => {
    for (const moduleId of ['$edgeHub', '$edgeAgent']) {
      const refreshed: ClientIdentity[] = [];
      expect(refusal(connect({ deviceId: EDGE, moduleId }), refreshed)).toEqual({ returnCode: 5, reason: `${EDGE}/${moduleId} is this edge device's own system module and cannot connect as a client` });
      expect(refusal(connect({ deviceId: EDGE, moduleId }, { key: world.keyOf({ deviceId: EDGE }) })).returnCode).toBe(5);
      expect(refreshed).toEqual([]);
    }
  });

  it('an expired token', () => {
    expect(refusal(connect({ deviceId: 'child-1' }, { expiresAt: NOW }))).toEqual({ returnCode: 5, reason: 'child-1: the SharedAccessSignature token has expired' });
  });

  it('a token for another hub, or for another identity', () => {
    const otherHub = connect({ deviceId: 'child-1' }, { host: 'elsewhere.azure-devices.net' });
    otherHub.username = `${world.hostName}/child-1/?api-version=2021-04-12`;
    expect(refusal(otherHub)).toEqual({ returnCode: 5, reason: 'child-1: the SharedAccessSignature token is for another hub or identity (its sr)' });
    // A device token names the device only: not one of its modules.
    expect(refusal(connect({ deviceId: EDGE }, { audience: { deviceId: EDGE, moduleId: 'filter' } })).reason).toMatch(/for another hub or identity/);
    // A module's token for another device.
    expect(refusal(connect({ deviceId: EDGE, moduleId: 'filter' }, { audience: { deviceId: 'child-1' } })).reason).toMatch(/for another hub or identity/);
  });

  it('a child of another edge device, even with its valid key, and the refresher is told', () => {
    const refreshed: ClientIdentity[] = [];
    expect(refusal(connect({ deviceId: world.foreignChild.deviceId }), refreshed)).toEqual({
      returnCode: 5,
      reason: `child-of-2 is not in this edge device's scope (neither a module of ${EDGE} nor a device whose parent is ${EDGE}); if it was added or moved here recently, retry shortly: the hub refreshes its scope`,
    });
    expect(refreshed).toEqual([{ deviceId: 'child-of-2' }]);
    expect(refusal(connect({ deviceId: world.loneDevice.deviceId })).reason).toMatch(/^lone-1 is not in this edge device's scope/);
  });

  it('a disabled child', () => {
    expect(refusal(connect({ deviceId: 'child-off' }))).toEqual({ returnCode: 5, reason: 'device child-off is disabled' });
  });

  it('anyone before the first sync, with a reason that says what to do', () => {
    const fresh = IdentityCache.open(memoryRecords(), EDGE);
    expect(refusal(connect({ deviceId: 'child-1' }), [], fresh)).toEqual({ returnCode: 5, reason: NOT_SYNCED_REASON });
    expect(NOT_SYNCED_REASON).toBe('this edge hub has not synced its device scope with the cloud yet; connect it to the cloud once');
  });

  it('malformed CONNECTs, with the emulator\'s return codes', () => {
    const good = connect({ deviceId: 'child-1' });
    expect(refusal({ ...good, protocolVersion: 3 }).returnCode).toBe(1);
    expect(refusal({ ...good, clientId: 'a/b/c' }).returnCode).toBe(2);
    expect(refusal({ ...good, username: 'elsewhere/child-1/?api-version=2021-04-12' })).toEqual({ returnCode: 4, reason: 'username must be {hostName}/child-1/?api-version=…' });
    expect(refusal({ ...good, username: `${world.hostName}/child-2/?api-version=2021-04-12` }).returnCode).toBe(4);
    const { password: _password, ...noPassword } = good;
    expect(refusal(noPassword)).toEqual({ returnCode: 4, reason: 'no password (a SharedAccessSignature token) was given' });
    expect(refusal({ ...good, password: Buffer.from('not a token') })).toEqual({ returnCode: 5, reason: 'child-1: the password is not a SharedAccessSignature token' });
  });
});

describe('acceptedHostNames', () => {
  it('takes the connection string\'s HostName with and without its port, and the gateway name', () => {
    expect(acceptedHostNames({ iotHubHostName: '127.0.0.1:18883', gatewayHostName: 'edge.local' })).toEqual(['127.0.0.1:18883', '127.0.0.1', 'edge.local']);
    expect(acceptedHostNames({ iotHubHostName: 'hub.azure-devices.net', gatewayHostName: 'edge.local' })).toEqual(['hub.azure-devices.net', 'edge.local']);
  });
});
