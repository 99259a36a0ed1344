// Issue 16, "Bad input", REST: the emulator's service API (HTTPS) and the edge hub's gateway HTTPS
// (module-to-module direct methods), each served by a real process (support/wire-world.ts), while a
// well-behaved service client calls every 50 ms (the emulator: GET a device; the hub: a direct
// method on a module that answers) and a well-behaved device publishes over MQTT every 20 ms.
// Injected per server (CI; EDGEWISE_FUZZ_RUNS=N for N times as many random cases, EDGEWISE_FUZZ_SEED=S another seed):
//   - 160 random requests (fast-check, seeded): methods, paths (routes of the API with hostile ids:
//     `..`, `%00`, `%2F`, 300 characters, unicode, bad percent-encoding), queries, headers and bodies
//     (JSON, broken JSON, bytes), half with a valid token, half with none or a bad one;
//   - 40 malformed HTTP requests on raw TLS (mutated request lines, garbage, a forged Content-Length);
//   - bodies at the size limit and one byte over it (emulator 4 MiB → 413; gateway 256 KiB);
//   - bad SAS tokens: wrong signature, expired, wrong audience, unknown policy, another identity's,
//     not a token, and the genuine one truncated at every length;
//   - 300 TLS connections that never send a request, with a burst of 200 requests with bad tokens;
//   - direct methods named to inject into the topic the target gets (/, #, +, ?, NUL), and odd but
//     valid names (`..`, unicode, `%23`, a space, 100 characters), to a module that answers over MQTT.
// Checked: never a 5xx and never a crash (the process still runs, and logged no internal error); an
// error answer has the server's error shape; a bad token is 401 every time; the size limits hold to
// the byte; injecting names are 400 and the others reach the target on exactly their own topic; a
// new MQTT client logs in at its first attempt during the HTTPS flood; the well-behaved clients got
// an answer to every call and every PUBACK, without a drop.
import { randomBytes } from 'node:crypto';
import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnectionString } from '../../src/runtime/iothub/connection-strings.js';
import { signSasToken } from '../../src/runtime/iothub/sas.js';
import { openIdleSockets, RawWireClient, sleep } from './support/wire-clients.js';
import { CloudWatch, loadAverage, loggedIn, loginWorks, whileSteadyPublishes } from './support/wire-checks.js';
import { EDGE, nowSeconds, startWireWorld, type WireServer, type WireWorld } from './support/wire-world.js';

const MULTIPLIER = Math.max(1, Math.floor(Number(process.env.EDGEWISE_FUZZ_RUNS ?? '1')) || 1);
const SEED = Number(process.env.EDGEWISE_FUZZ_SEED ?? '20261208');
const RANDOM_REQUESTS = 160 * MULTIPLIER;
const RAW_REQUESTS = 40 * MULTIPLIER;
/**
 * More than the process's 1,024 file descriptors (the servers run under `ulimit -n 1024`): without
 * the HTTPS servers' cap on connections that never send a request (pending-connections.ts), these
 * would exhaust them and lock MQTT clients out too.
 */
const SILENT_TLS = 1_100;
const BAD_TOKEN_BURST = 200;
/** The emulator's request body limit (src/runtime/cloud/rest/read-json-body.ts) and the gateway's (gateway-https-server.ts). */
const EMULATOR_BODY_LIMIT = 4 * 1024 * 1024;
const GATEWAY_BODY_LIMIT = 256 * 1024;
const CALLER = `${EDGE}/filter`;
const RESPONDER = `${EDGE}/sink`;
const SERVERS = ['emulator', 'hub'] as const;
const steady = (server: string): string => `steady-${server}`;
const newcomer = (server: string): string => `newcomer-${server}`;
/** The device that answers direct methods over MQTT on the emulator (through the hub, the module RESPONDER does). */
const EMULATOR_RESPONDER = 'responder-emulator';

let world: WireWorld;
let cloud: CloudWatch;
const responders = new Map<(typeof SERVERS)[number], MethodResponder>();

beforeAll(async () => {
  world = await startWireWorld({ emulator: '127.0.21.5', hub: '127.0.21.6' }, [...SERVERS.map(steady), ...SERVERS.map(newcomer), EMULATOR_RESPONDER]);
  cloud = new CloudWatch(world);
  await loginWorks(world.hub, steady('hub'), 60_000);
  responders.set('emulator', await MethodResponder.start(world.emulator, EMULATOR_RESPONDER));
  responders.set('hub', await MethodResponder.start(world.hub, RESPONDER));
}, 120_000);

afterAll(async () => {
  for (const responder of responders.values()) responder.stop();
  await world?.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

interface Call {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
}

/** One HTTPS call; an answer, or the error when the server dropped the connection before answering. */
function call(server: WireServer, agent: Agent | undefined, { method, path, headers = {}, body }: Call): Promise<Answer | Error> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (result: Answer | Error): void => {
      if (!settled) resolve(result);
      settled = true;
    };
    // Without a length Node's client sends a GET's or DELETE's body unframed, which no server can read.
    const framed = body === undefined ? headers : { ...headers, 'content-length': String(body.length) };
    try {
      const outgoing = request({ host: server.host, port: server.httpsPort, method, path, headers: framed, ca: server.ca, ...(agent === undefined ? {} : { agent }) }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => settle({ status: response.statusCode!, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', settle);
      });
      // The server may answer (413, 401) and close before the whole body is sent.
      outgoing.on('error', settle);
      outgoing.end(body);
    } catch (error) {
      settle(error as Error);
    }
  });
}

/** The emulator's iothubowner token, as the service SDK signs it. */
function ownerToken(expiresAtSeconds = nowSeconds() + 3600, key?: string, policy = 'iothubowner', audience?: string): string {
  const settings = parseConnectionString(world.cloudInfo.serviceConnectionString);
  return signSasToken(audience ?? settings.HostName!, key ?? settings.SharedAccessKey!, expiresAtSeconds, policy);
}

/** A module on the hub that answers every direct method it gets with 200 `{"pong":…}`, over MQTT. */
class MethodResponder {
  /** The topics of the method requests it got, in order. */
  readonly topics: string[] = [];
  private running = true;

  private constructor(private readonly client: RawWireClient) {}

  static async start(server: WireServer, clientId: string): Promise<MethodResponder> {
    await loginWorks(server, clientId, 60_000);
    const client = await loggedIn(server, clientId);
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: '$iothub/methods/POST/#', qos: 0 }] });
    if ((await client.next('suback')) === undefined) throw new Error('the responder could not subscribe to methods');
    const responder = new MethodResponder(client);
    void responder.serve();
    return responder;
  }

  stop(): void {
    this.running = false;
    this.client.end();
  }

  private async serve(): Promise<void> {
    while (this.running) {
      const packet = await this.client.next('publish');
      if (packet?.cmd !== 'publish') return;
      this.topics.push(packet.topic);
      const rid = /\?\$rid=([^&]+)/.exec(packet.topic)?.[1] ?? '0';
      this.client.send({ cmd: 'publish', topic: `$iothub/methods/res/200/?$rid=${rid}`, payload: JSON.stringify({ pong: packet.topic.split('/')[3] }), qos: 0, dup: false, retain: false });
    }
  }
}

/** What a server's well-behaved service client calls, and what it must get. */
function goodCall(name: (typeof SERVERS)[number]): { call: () => Call; expected: number } {
  if (name === 'emulator') return { call: () => ({ method: 'GET', path: `/devices/${steady(name)}?api-version=2021-04-12`, headers: { authorization: ownerToken() } }), expected: 200 };
  return {
    call: () => ({
      method: 'POST',
      path: `/twins/${EDGE}/modules/${RESPONDER.split('/')[1]}/methods?api-version=2021-04-12`,
      headers: { authorization: world.hub.token(CALLER, nowSeconds() + 3600), 'x-ms-edge-moduleId': CALLER, 'content-type': 'application/json' },
      body: Buffer.from(JSON.stringify({ methodName: 'ping', payload: {}, responseTimeoutInSeconds: 20, connectTimeoutInSeconds: 0 })),
    }),
    expected: 200,
  };
}

/** Runs `work` while a well-behaved service client calls every 50 ms; checks every call was answered as it should. */
async function whileServiceCalls(name: (typeof SERVERS)[number], work: () => Promise<void>): Promise<void> {
  const server = world[name];
  const agent = new Agent({ keepAlive: true, maxSockets: 1, ca: server.ca });
  const good = goodCall(name);
  const outcomes: (number | string)[] = [];
  let running = true;
  const caller = (async () => {
    while (running) {
      const answer = await call(server, agent, good.call());
      outcomes.push(answer instanceof Error ? answer.message : answer.status);
      await sleep(50);
    }
  })();
  try {
    await whileSteadyPublishes(cloud, server, steady(name), `rest-${name}`, work);
  } finally {
    running = false;
    await caller;
    agent.destroy();
  }
  console.log(`${name}: the well-behaved service client made ${outcomes.length} calls (1-minute load ${loadAverage()})`);
  expect(outcomes.length).toBeGreaterThan(0);
  expect(outcomes.filter((outcome) => outcome !== good.expected)).toEqual([]);
}

/** A 5xx, or an error answer without the server's error shape, is a failure. */
function shapeProblem(name: (typeof SERVERS)[number], method: string, answer: Answer): string | undefined {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 200)}`;
  // A HEAD answer has no body (RFC 9110 §9.3.2); a request Node's HTTP parser refuses (a path not in
  // ASCII) gets Node's bare 400 and the connection closed, before any handler sees it.
  if (answer.status < 400 || method === 'HEAD') return undefined;
  if (answer.status === 400 && answer.text === '' && answer.headers.connection === 'close') return undefined;
  if (name === 'emulator') {
    try {
      const body = JSON.parse(answer.text) as { Message?: unknown };
      if (typeof body.Message !== 'string' || answer.headers['iothub-errorcode'] === undefined) return `error ${answer.status} without IoT Hub's error shape: ${answer.text.slice(0, 200)}`;
    } catch {
      return `error ${answer.status} whose body is not JSON: ${answer.text.slice(0, 200)}`;
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Random requests

/** Ids that exist in the scenario are never generated for the emulator: a random DELETE must not remove the test's own identities. */
const hostileId = fc.oneof(
  fc.constantFrom('fuzz-a', 'fuzz-b', '..', '%2e%2e', '%00', '%2F', '%', '%ZZ', 'a%2Fb', 'x'.repeat(300), 'ünï', '😀', '$edgeHub', '$edgeAgent', ' ', '%20'),
  fc.string({ maxLength: 12 }).map((text) => encodeURIComponent(`fuzz-${text}`)),
);
/** The gateway only invokes methods, so its requests may also name the module that answers. */
const gatewayId = fc.oneof({ weight: 2, arbitrary: hostileId }, { weight: 1, arbitrary: fc.constantFrom(EDGE, RESPONDER.split('/')[1]!) });

const routeShapes = fc.constantFrom(
  '/devices',
  '/devices/{id}',
  '/devices/{id}/modules',
  '/devices/{id}/modules/{id}',
  '/devices/{id}/modules/{id}/devicesAndModulesInTargetDeviceScope',
  '/devices/{id}/applyConfigurationContent',
  '/twins/{id}',
  '/twins/{id}/modules/{id}',
  '/twins/{id}/methods',
  '/twins/{id}/modules/{id}/methods',
  '/edgewise/messages',
  '/edgewise/devices/{id}/messages',
  '/',
  '/{id}',
  '//devices//{id}',
  '/devices/{id}/../../twins/{id}',
);

/** Calls the APIs take, so that half the requests get past routing into the handlers. */
const apiCalls = fc.constantFrom(
  ['PUT', '/devices/{id}'],
  ['GET', '/devices/{id}'],
  ['DELETE', '/devices/{id}'],
  ['PUT', '/devices/{id}/modules/{id}'],
  ['POST', '/devices/{id}/modules/{id}/devicesAndModulesInTargetDeviceScope'],
  ['POST', '/devices/{id}/applyConfigurationContent'],
  ['PATCH', '/twins/{id}'],
  ['GET', '/twins/{id}/modules/{id}'],
  ['POST', '/twins/{id}/methods'],
  ['POST', '/twins/{id}/modules/{id}/methods'],
  ['POST', '/twins/{id}/modules/{id}/methods'],
  ['POST', '/edgewise/devices/{id}/messages'],
);

const query = fc.constantFrom('', '?api-version=2021-04-12', '?api-version=x&top=-1', '?from=-5&limit=999999999', '?from=abc', '?%ZZ=1', `?${'a'.repeat(2000)}=1`);

function filledPath(shape: string, ids: readonly string[], suffix: string): string {
  let index = 0;
  return `${shape.replace(/\{id\}/g, () => ids[index++ % ids.length]!)}${suffix}`;
}

const body = fc.oneof(
  fc.constant(undefined),
  fc.jsonValue({ maxDepth: 4 }).map((value) => Buffer.from(JSON.stringify(value) ?? 'null')),
  fc
    .record({ deviceId: hostileId, methodName: fc.string(), payload: fc.jsonValue({ maxDepth: 2 }), responseTimeoutInSeconds: fc.integer({ min: -5, max: 3 }), properties: fc.jsonValue({ maxDepth: 2 }), body: fc.string() })
    .map((value) => Buffer.from(JSON.stringify(value))),
  fc.string({ maxLength: 200 }).map((text) => Buffer.from(text)),
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.nat({ max: 200 }).map((depth) => Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`)),
);

type Credential = 'valid' | 'none' | 'garbage' | 'wrong-key' | 'expired';

function randomRequest(name: (typeof SERVERS)[number]) {
  const ids = fc.array(name === 'hub' ? gatewayId : hostileId, { minLength: 3, maxLength: 3 });
  const anyCall = fc.tuple(fc.constantFrom('GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'TRACE', 'PROPFIND'), routeShapes);
  return fc.record({
    route: fc.tuple(fc.oneof(anyCall, apiCalls), ids, query).map(([[method, shape], chosen, suffix]) => ({ method, path: filledPath(shape, chosen, suffix) })),
    body,
    credential: fc.constantFrom<Credential>('valid', 'valid', 'none', 'garbage', 'wrong-key', 'expired'),
    contentType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', ''),
    ifMatch: fc.option(fc.constantFrom('*', '"1"', 'W/"2"', '', '"'), { nil: undefined }),
    caller: fc.constantFrom(CALLER, CALLER, RESPONDER, 'other-edge/module', 'no-slash', '', `${CALLER}/extra`),
  });
}

function credentialFor(name: (typeof SERVERS)[number], credential: Credential, caller: string): string | undefined {
  const later = nowSeconds() + 3600;
  const key = randomBytes(32).toString('base64');
  if (credential === 'none') return undefined;
  if (credential === 'garbage') return 'SharedAccessSignature sr=&sig=&se=';
  if (name === 'emulator') return credential === 'valid' ? ownerToken() : credential === 'expired' ? ownerToken(nowSeconds() - 60) : ownerToken(later, key);
  const signer = world.keys.has(caller) ? caller : CALLER;
  return credential === 'valid' ? world.hub.token(signer, later) : credential === 'expired' ? world.hub.token(signer, nowSeconds() - 60) : world.hub.token(signer, later, { key });
}

/** Request lines and headers broken the ways a careless or hostile client breaks them. */
const rawHttp = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.tuple(fc.constantFrom('GET', 'POST', 'G\u0000T', ''), fc.string({ maxLength: 40 }), fc.constantFrom('HTTP/1.1', 'HTTP/9.9', 'HTTP/1.1 extra', '')).map(([method, target, version]) => Buffer.from(`${method} /${target} ${version}\r\nHost: x\r\n\r\n`)),
  fc.integer({ min: -1, max: 2 ** 40 }).map((length) => Buffer.from(`POST /devices/fuzz-a HTTP/1.1\r\nHost: x\r\nContent-Length: ${length}\r\n\r\n{}`)),
  fc.constant(Buffer.from('POST /devices/fuzz-a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n')),
  fc.constant(Buffer.from(`GET /devices HTTP/1.1\r\nHost: x\r\n${'X-Long: '.padEnd(20_000, 'a')}\r\n\r\n`)),
  fc.constant(Buffer.from('GET /devices HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n')),
);

/** Sends raw bytes on a TLS connection; resolves with the status line of the answer, or 'closed'. */
function rawExchange(server: WireServer, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: server.host, port: server.httpsPort, ca: server.ca });
    let text = '';
    const done = (): void => {
      socket.destroy();
      resolve(text === '' ? 'closed' : text.split('\r\n')[0]!);
    };
    socket.on('error', () => undefined);
    socket.on('secureConnect', () => socket.write(bytes));
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString('latin1');
      if (text.includes('\r\n')) done();
    });
    socket.on('close', done);
    // A request the server still waits on (a body announced and never sent) is given up on here.
    setTimeout(done, 1500).unref();
  });
}

describe.each(SERVERS)('%s HTTPS under hostile requests', (name) => {
  const server = (): WireServer => world[name];

  it(`answers ${RANDOM_REQUESTS} random requests and ${RAW_REQUESTS} malformed ones without a 5xx, and serves a well-behaved client all along (EDGEWISE_FUZZ_RUNS=N for N times as many)`, async () => {
    const requests = fc.sample(randomRequest(name), { seed: SEED + (name === 'hub' ? 1 : 0), numRuns: RANDOM_REQUESTS });
    const raws = fc.sample(rawHttp, { seed: SEED + 2, numRuns: RAW_REQUESTS });
    const problems: string[] = [];
    const statuses = new Map<number | string, number>();
    await whileServiceCalls(name, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 4, ca: server().ca });
      try {
        await Promise.all(
          Array.from({ length: 4 }, async (_, lane) => {
            for (let index = lane; index < requests.length; index += 4) {
              const sample = requests[index]!;
              const authorization = credentialFor(name, sample.credential, sample.caller);
              const headers: Record<string, string> = { ...(authorization === undefined ? {} : { authorization }), ...(sample.contentType === '' ? {} : { 'content-type': sample.contentType }) };
              if (sample.ifMatch !== undefined) headers['if-match'] = sample.ifMatch;
              if (name === 'hub') headers['x-ms-edge-moduleId'] = sample.caller;
              const { method, path } = sample.route;
              const answer = await call(server(), agent, { method, path, headers, ...(sample.body === undefined ? {} : { body: sample.body }) });
              const key = answer instanceof Error ? answer.message.slice(0, 40) : answer.status;
              statuses.set(key, (statuses.get(key) ?? 0) + 1);
              const problem = answer instanceof Error ? (/Invalid character|unescaped|ERR_INVALID/i.test(answer.message) ? undefined : `no answer: ${answer.message}`) : shapeProblem(name, method, answer);
              if (problem !== undefined) problems.push(`request ${index} (seed ${SEED}) ${method} ${path.slice(0, 120)} (${sample.credential}): ${problem}`);
            }
          }),
        );
      } finally {
        agent.destroy();
      }
      for (const [index, bytes] of raws.entries()) {
        const status = await rawExchange(server(), bytes);
        if (/^HTTP\/1\.1 5/.test(status)) problems.push(`raw request ${index}: ${status}`);
      }
    });
    console.log(`${name}: answers to ${RANDOM_REQUESTS} random requests: ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(problems).toEqual([]);
    expect(server().log()).not.toMatch(/internal error/);
  }, 120_000);

  it('holds the body size limit to the byte', async () => {
    const limit = name === 'emulator' ? EMULATOR_BODY_LIMIT : GATEWAY_BODY_LIMIT;
    const json = (size: number): Buffer => {
      const head = name === 'emulator' ? '{"deviceId":"fuzz-size","pad":"' : '{"methodName":"ping","responseTimeoutInSeconds":20,"payload":"';
      return Buffer.from(`${head}${'x'.repeat(size - head.length - 2)}"}`);
    };
    const at = (size: number): Call =>
      name === 'emulator'
        ? { method: 'PUT', path: '/devices/fuzz-size?api-version=2021-04-12', headers: { authorization: ownerToken(), 'content-type': 'application/json' }, body: json(size) }
        : { ...goodCall(name).call(), body: json(size) };
    await whileServiceCalls(name, async () => {
      const within = await call(server(), undefined, at(limit));
      const over = await call(server(), undefined, at(limit + 1));
      if (within instanceof Error || over instanceof Error) throw within instanceof Error ? within : over;
      expect(within.status, `a body of exactly ${limit} bytes: ${within.text.slice(0, 200)}`).toBeLessThan(500);
      expect(within.text).not.toMatch(/larger than/);
      if (name === 'emulator') expect(over.status).toBe(413);
      else expect([400, 413]).toContain(over.status);
      expect(over.text).toMatch(/larger than/);
    });
  }, 90_000);

  it('answers 401 to every bad SAS token: wrong signature, expired, wrong audience, unknown policy, another identity, not a token, truncated at every length', async () => {
    const later = nowSeconds() + 3600;
    const wrongKey = randomBytes(32).toString('base64');
    const genuine = name === 'emulator' ? ownerToken() : world.hub.token(CALLER, later);
    const bad: { what: string; token: string }[] =
      name === 'emulator'
        ? [
            { what: 'wrong signature', token: ownerToken(later, wrongKey) },
            { what: 'expired', token: ownerToken(nowSeconds() - 60) },
            { what: 'another hub as audience', token: ownerToken(later, undefined, 'iothubowner', 'another-hub.azure-devices.net') },
            { what: 'unknown policy', token: ownerToken(later, undefined, 'registryReadWrite') },
            { what: "a device's token for another device", token: world.hub.token(steady('hub'), later, { audienceHost: world.emulator.hostName }) },
          ]
        : [
            { what: 'wrong signature', token: world.hub.token(CALLER, later, { key: wrongKey }) },
            { what: 'expired', token: world.hub.token(CALLER, nowSeconds() - 60) },
            { what: 'another hub as audience', token: world.hub.token(CALLER, later, { audienceHost: 'another-hub.azure-devices.net' }) },
            { what: "another module's token", token: world.hub.token(RESPONDER, later) },
            { what: "another module's audience signed with the caller's key", token: world.hub.token(RESPONDER, later, { key: world.keys.get(CALLER)! }) },
          ];
    bad.push(
      { what: 'not a token', token: 'hello' },
      { what: 'the prefix only', token: 'SharedAccessSignature ' },
      { what: 'no signature', token: genuine.replace(/sig=[^&]*&?/, '') },
      ...Array.from({ length: genuine.length - 1 }, (_, length) => ({ what: `truncated to ${length + 1} characters`, token: genuine.slice(0, length + 1) })),
    );
    const wrong: string[] = [];
    await whileServiceCalls(name, async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: server().ca });
      try {
        await Promise.all(
          bad.map(async ({ what, token }) => {
            const answer = await call(server(), agent, { ...goodCall(name).call(), headers: { ...goodCall(name).call().headers, authorization: token } });
            if (answer instanceof Error || answer.status !== 401) wrong.push(`${what}: ${answer instanceof Error ? answer.message : `${answer.status} ${answer.text.slice(0, 120)}`}`);
          }),
        );
      } finally {
        agent.destroy();
      }
    });
    console.log(`${name}: ${bad.length} bad tokens over HTTPS`);
    expect(wrong).toEqual([]);
  }, 90_000);

  it(`keeps serving through ${SILENT_TLS} TLS connections that never send a request and a burst of ${BAD_TOKEN_BURST} requests with bad tokens`, async () => {
    await whileServiceCalls(name, async () => {
      const silent = await openIdleSockets({ ...server(), port: server().httpsPort }, SILENT_TLS);
      try {
        const answers = await Promise.all(
          Array.from({ length: BAD_TOKEN_BURST }, () => call(server(), undefined, { ...goodCall(name).call(), headers: { ...goodCall(name).call().headers, authorization: 'SharedAccessSignature sr=x&sig=y&se=1' } })),
        );
        expect(answers.map((answer) => (answer instanceof Error ? answer.message : answer.status)).filter((status) => status !== 401)).toEqual([]);
        // The MQTT side shares the process's file descriptors: a new device still gets in, at its first attempt.
        const device = await RawWireClient.open(server());
        expect(await device.login(server(), newcomer(name)), 'a new MQTT login during the HTTPS flood').toBe(0);
        device.end();
        console.log(`${name}: ${SILENT_TLS} silent connections on its HTTPS port: ${server().openFiles()} open files, ${Math.round(server().residentKiB() / 1024)} MiB resident`);
      } finally {
        silent.destroy();
      }
    });
    expect(server().alive()).toBe(true);
  }, 90_000);

  it('refuses a direct method whose name would change the topic the target gets (/, #, +, ?, NUL), and delivers the others on exactly their own topic', async () => {
    const refused = ['', '/', '#', '+', '?', 'a/b', 'reboot/#', 'x?$rid=1', 'a\u0000b'];
    const delivered = ['..', 'ünï', '%23', 'a b', 'x'.repeat(100)];
    const responder = responders.get(name)!;
    const invoke = (methodName: string): Call =>
      name === 'emulator'
        ? {
            method: 'POST',
            path: `/twins/${EMULATOR_RESPONDER}/methods?api-version=2021-04-12`,
            headers: { authorization: ownerToken(), 'content-type': 'application/json' },
            body: Buffer.from(JSON.stringify({ methodName, payload: {}, responseTimeoutInSeconds: 20, connectTimeoutInSeconds: 0 })),
          }
        : { ...goodCall(name).call(), body: Buffer.from(JSON.stringify({ methodName, payload: {}, responseTimeoutInSeconds: 20, connectTimeoutInSeconds: 0 })) };
    const outcomes = new Map<string, number | string>();
    await whileServiceCalls(name, async () => {
      for (const methodName of [...refused, ...delivered]) {
        const answer = await call(server(), undefined, invoke(methodName));
        outcomes.set(methodName, answer instanceof Error ? answer.message : answer.status);
      }
    });
    expect(refused.map((methodName) => outcomes.get(methodName))).toEqual(refused.map(() => 400));
    expect(delivered.map((methodName) => outcomes.get(methodName))).toEqual(delivered.map(() => 200));
    const requested = responder.topics.filter((topic) => !topic.includes('/ping/'));
    expect(requested.map((topic) => topic.replace(/\?\$rid=.*$/, ''))).toEqual(delivered.map((methodName) => `$iothub/methods/POST/${methodName}/`));
  }, 90_000);
});
