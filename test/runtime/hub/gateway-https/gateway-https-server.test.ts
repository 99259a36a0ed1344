// The gateway's HTTPS head with a fake method invoker: edgeHub's routes, caller header, SAS check,
// request checks and answers (Azure/iotedge TwinsController.cs, MethodRequestValidator.cs).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MethodInvocationError, startGatewayHttpsServer, type GatewayHttpsServer, type MethodInvocation } from '../../../../src/runtime/hub/gateway-https/gateway-https-server.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { CALLER_KEY, EDGE, HUB_NAME, makeCertificates, post, verifyCaller, type RawAnswer } from './gateway-support.js';

const ADDRESS = '127.0.0.1';
const calls: { target: ClientIdentity; request: MethodInvocation }[] = [];
let server: GatewayHttpsServer;
let ca: string;
let cleanup: () => void;

beforeAll(async () => {
  const made = makeCertificates(ADDRESS);
  cleanup = made.cleanup;
  ca = made.certificates.ca;
  server = await startGatewayHttpsServer({
    host: ADDRESS,
    port: 0,
    tls: { key: made.certificates.key, cert: made.certificates.cert },
    verify: verifyCaller,
    edgeDeviceId: EDGE,
    methods: {
      invoke: async (target, request) => {
        calls.push({ target, request });
        if (target.moduleId === 'offline') throw new MethodInvocationError(404, 'not connected');
        if (target.moduleId === 'slow') throw new MethodInvocationError(504, 'no answer');
        if (target.moduleId === 'broken') throw new Error('a bug');
        return { status: 201, payload: { echo: request.payload, method: request.methodName } };
      },
    },
  });
});

afterAll(async () => {
  await server.close();
  cleanup();
});

function token(moduleId = 'caller', key = CALLER_KEY, expires = Math.floor(Date.now() / 1000) + 600): string {
  return signSasToken(`${HUB_NAME}/devices/${EDGE}/modules/${moduleId}`, key, expires);
}

function call(path: string, body: unknown, headers: Record<string, string> = { 'x-ms-edge-moduleId': `${EDGE}/caller`, authorization: token() }): Promise<RawAnswer> {
  return post(ADDRESS, server.port, ca, path, { body: typeof body === 'string' ? body : JSON.stringify(body), headers });
}

describe('gateway HTTPS: direct methods', () => {
  it('invokes a module method and answers 200 {status, payload}', async () => {
    const answer = await call('/twins/edge/modules/filter/methods?api-version=2021-04-12', { methodName: 'reset', payload: { level: 2 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 3 });
    expect(answer).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ status: 201, payload: { echo: { level: 2 }, method: 'reset' } }) });
    expect(calls.at(-1)).toEqual({ target: { deviceId: 'edge', moduleId: 'filter' }, request: { methodName: 'reset', payload: { level: 2 }, timeoutSeconds: 10, connectTimeoutSeconds: 3 } });
  });

  it('invokes a device method, with edgeHub defaults for missing timeouts and payload', async () => {
    const answer = await call('/twins/child%2D1/methods', { methodName: 'ping' });
    expect(answer.status).toBe(200);
    expect(calls.at(-1)).toEqual({ target: { deviceId: 'child-1' }, request: { methodName: 'ping', payload: null, timeoutSeconds: 30, connectTimeoutSeconds: 0 } });
  });

  it('answers 404 "Client … not found" when the target is not connected, 504 on timeout', async () => {
    const offline = await call('/twins/edge/modules/offline/methods', { methodName: 'ping' });
    expect(offline).toEqual({ status: 404, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'Client edge/offline not found' }) });
    const slow = await call('/twins/edge/modules/slow/methods', { methodName: 'ping', responseTimeoutInSeconds: 5 });
    expect(slow.status).toBe(504);
    expect(JSON.parse(slow.text).message).toMatch(/^Timed out waiting for device to respond to method request [0-9a-f-]{36}$/);
  });

  it('answers 500 without details when the invoker fails unexpectedly', async () => {
    const broken = await call('/twins/edge/modules/broken/methods', { methodName: 'ping' });
    expect(broken.status).toBe(500);
    expect(broken.text).not.toContain('a bug');
  });

  it('refuses a caller that cannot prove who it is with 401', async () => {
    const wrongKey = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { 'x-ms-edge-moduleId': 'edge/caller', authorization: token('caller', Buffer.alloc(32, 1).toString('base64')) });
    expect(wrongKey).toEqual({ status: 401, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'Unable to authenticate device with Id edge/caller' }) });
    const expired = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { 'x-ms-edge-moduleId': 'edge/caller', authorization: token('caller', CALLER_KEY, 1000) });
    expect(expired.status).toBe(401);
    const none = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { 'x-ms-edge-moduleId': 'edge/caller' });
    expect(none.status).toBe(401);
    // The header names another module than the token: the token does not prove that caller.
    const impostor = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { 'x-ms-edge-moduleId': 'edge/other', authorization: token() });
    expect(impostor.status).toBe(401);
  });

  it('refuses modules of another device with 401 and a missing or malformed caller header with 400', async () => {
    const other = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { 'x-ms-edge-moduleId': 'elsewhere/caller', authorization: token() });
    expect(other).toEqual({ status: 401, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'Only modules on the same device can invoke DirectMethods' }) });
    for (const header of [{}, { 'x-ms-edge-moduleId': 'edge' }, { 'x-ms-edge-moduleId': 'edge/a/b' }]) {
      const answer = await call('/twins/edge/modules/filter/methods', { methodName: 'ping' }, { authorization: token(), ...header });
      expect(answer).toEqual({ status: 400, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'Invalid header value for x-ms-edge-moduleId' }) });
    }
  });

  it('refuses requests edgeHub refuses, with its messages as plain text', async () => {
    const cases: [unknown, string][] = [
      [{ payload: 1 }, 'MethodName cannot be null or white space.'],
      [{ methodName: 'x'.repeat(101) }, 'MethodName cannot be longer than 100'],
      [{ methodName: 'ping', responseTimeoutInSeconds: 4 }, 'ResponseTimeout has to be between 5 and 300 seconds.'],
      [{ methodName: 'ping', connectTimeoutInSeconds: 301 }, 'ConnectTimeout has to be between 0 and 300 seconds.'],
      [{ methodName: 'ping', payload: 'x'.repeat(128 * 1024) }, 'Payload should not be greater than 131072 bytes.'],
      ['{not json', 'The request body is not valid JSON.'],
    ];
    const before = calls.length;
    for (const [body, message] of cases) {
      const answer = await call('/twins/edge/modules/filter/methods', body);
      expect(answer).toEqual({ status: 400, contentType: 'text/plain; charset=utf-8', text: message });
    }
    expect(calls.length).toBe(before);
  });

  it('answers 404 to other paths and 405 to other verbs', async () => {
    expect((await call('/twins/edge/modules/filter', { methodName: 'ping' })).status).toBe(404);
    expect((await call('/devices/edge/methods', { methodName: 'ping' })).status).toBe(404);
    const get = await post(ADDRESS, server.port, ca, '/twins/edge/methods', { method: 'GET', headers: {} });
    expect(get.status).toBe(405);
  });
});
