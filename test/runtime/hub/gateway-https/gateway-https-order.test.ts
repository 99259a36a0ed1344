// What the gateway answers before and instead of invoking: the caller is checked before its body
// is read (a stranger's body is never parsed), a method name that cannot be an MQTT topic level
// is a 400 and not a 500, and the method broker's own refusals keep their status (400 for a
// request it cannot send, 503 while the hub stops) (review findings: gateway ordering, "/" names).
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startGatewayHttpsServer, type GatewayHttpsServer, type MethodInvocation } from '../../../../src/runtime/hub/gateway-https/gateway-https-server.js';
import { DirectMethodBroker, MethodCallError } from '../../../../src/runtime/iothub/method-broker.js';
import { SessionRegistry } from '../../../../src/runtime/iothub/sessions.js';
import { methodInvoker } from '../../../../src/runtime/hub/downstream/direct-methods.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { CALLER_KEY, EDGE, HUB_NAME, makeCertificates, post, verifyCaller, type RawAnswer } from './gateway-support.js';

const ADDRESS = '127.0.0.1';
const calls: { target: ClientIdentity; request: MethodInvocation }[] = [];
const servers: GatewayHttpsServer[] = [];
let fake: GatewayHttpsServer;
let real: GatewayHttpsServer;
let ca: string;
let cleanup: () => void;

beforeAll(async () => {
  const made = makeCertificates(ADDRESS);
  cleanup = made.cleanup;
  ca = made.certificates.ca;
  const tls = { key: made.certificates.key, cert: made.certificates.cert };
  fake = await startGatewayHttpsServer({
    host: ADDRESS,
    port: 0,
    tls,
    verify: verifyCaller,
    edgeDeviceId: EDGE,
    methods: {
      invoke: async (target, request) => {
        calls.push({ target, request });
        if (target.moduleId === 'refusing') throw new MethodCallError('ArgumentInvalid', 'methodName is not valid here');
        if (target.moduleId === 'stopping') throw new MethodCallError('ServiceUnavailable', 'The hub is stopping; the method call was not completed.');
        return { status: 200, payload: null };
      },
    },
  });
  // The downstream head's invoker over a real broker with nobody connected.
  real = await startGatewayHttpsServer({ host: ADDRESS, port: 0, tls, verify: verifyCaller, edgeDeviceId: EDGE, methods: methodInvoker(new DirectMethodBroker(new SessionRegistry())) });
  servers.push(fake, real);
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  cleanup();
});

const goodHeaders = (): Record<string, string> => ({ 'x-ms-edge-moduleId': `${EDGE}/caller`, authorization: signSasToken(`${HUB_NAME}/devices/${EDGE}/modules/caller`, CALLER_KEY, Math.floor(Date.now() / 1000) + 600) });

function call(server: GatewayHttpsServer, path: string, body: string, headers: Record<string, string> = goodHeaders()): Promise<RawAnswer> {
  return post(ADDRESS, server.port, ca, path, { body, headers });
}

it('refuses an unproven caller before reading its body', async () => {
  const wrongKey = { 'x-ms-edge-moduleId': `${EDGE}/caller`, authorization: signSasToken(`${HUB_NAME}/devices/${EDGE}/modules/caller`, Buffer.alloc(32, 1).toString('base64'), Math.floor(Date.now() / 1000) + 600) };
  expect((await call(fake, '/twins/edge/modules/filter/methods', '{not json', wrongKey)).status).toBe(401);
  const noHeader = await call(fake, '/twins/edge/modules/filter/methods', '{not json', { authorization: goodHeaders().authorization! });
  expect(noHeader).toEqual({ status: 400, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'Invalid header value for x-ms-edge-moduleId' }) });
  const otherDevice = await call(fake, '/twins/edge/modules/filter/methods', '{not json', { ...goodHeaders(), 'x-ms-edge-moduleId': 'elsewhere/caller' });
  expect(otherDevice.status).toBe(401);
});

it('answers 400 to a method name that cannot be a topic level, with either invoker', async () => {
  const before = calls.length;
  for (const methodName of ['a/b', 'a#', 'a+b', 'what?']) {
    for (const server of [fake, real]) {
      const answer = await call(server, '/twins/edge/modules/filter/methods', JSON.stringify({ methodName }));
      expect(answer).toEqual({ status: 400, contentType: 'text/plain; charset=utf-8', text: 'MethodName cannot contain "/", "#", "+" or "?".' });
    }
  }
  expect(calls.length).toBe(before);
});

it('keeps the broker\'s 400 and 503', async () => {
  const refused = await call(fake, '/twins/edge/modules/refusing/methods', JSON.stringify({ methodName: 'ping' }));
  expect(refused).toEqual({ status: 400, contentType: 'text/plain; charset=utf-8', text: 'methodName is not valid here' });
  const stopping = await call(fake, '/twins/edge/modules/stopping/methods', JSON.stringify({ methodName: 'ping' }));
  expect(stopping).toEqual({ status: 503, contentType: 'application/json; charset=utf-8', text: JSON.stringify({ message: 'The edge hub is stopping; the method call was not completed.' }) });
});
