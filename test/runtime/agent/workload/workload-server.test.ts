// The workload API on real unix sockets, one per module: the answers iotedged gives
// (edgelet/api/workloadVersion_2018_06_28.yaml), a digest that is HMAC-SHA256 with the module's own
// key, and the caller identified by the socket, not by the module named in the path.
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { identityKey, type ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { verifySasToken } from '../../../../src/runtime/iothub/sas.js';
import { startWorkloadServer, workloadSocketFile, type WorkloadServer } from '../../../../src/runtime/agent/workload/workload-server.js';

const EDGE = 'edge';
const KEYS: Record<string, { key: string; generation: string }> = {
  'edge/filter': { key: Buffer.from('filter-key-0123456789abcdef0123456').toString('base64'), generation: '638000000000000001' },
  'edge/sink': { key: Buffer.from('sink-key-0123456789abcdef012345678').toString('base64'), generation: '638000000000000002' },
  'edge/$edgeAgent': { key: Buffer.from('agent-key-0123456789abcdef01234567').toString('base64'), generation: '638000000000000003' },
};
const TRUST_BUNDLE = '-----BEGIN CERTIFICATE-----\nMIIBedge\n-----END CERTIFICATE-----\n';
const VERSION = '2018-06-28';

const folders: string[] = [];
const servers: WorkloadServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-wl-'));
  folders.push(folder);
  return folder;
}

async function start(folder = join(tempFolder(), 'workload'), log: (line: string) => void = () => undefined): Promise<WorkloadServer> {
  const server = await startWorkloadServer({
    folder,
    edgeDeviceId: EDGE,
    keyOf: (identity: ClientIdentity) => KEYS[identityKey(identity)]?.key,
    generationOf: (identity: ClientIdentity) => KEYS[identityKey(identity)]?.generation,
    trustBundle: () => TRUST_BUNDLE,
    log,
  });
  servers.push(server);
  return server;
}

interface Answer {
  status: number;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

function call(socketPath: string, method: string, path: string, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    const outgoing = request({ socketPath, method, path, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, contentType: response.headers['content-type'], body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

const signPath = (module: string, generation: string, version = VERSION) => `/modules/${encodeURIComponent(module)}/genid/${encodeURIComponent(generation)}/sign?api-version=${version}`;
const signBody = (data: Buffer) => JSON.stringify({ keyId: 'primary', algo: 'HMACSHA256', data: data.toString('base64') });

describe('the workload API', () => {
  it('serves the trust bundle as {certificate} with the api-version the SDK sends', async () => {
    const socket = await (await start()).open('filter');
    const answer = await call(socket.socketPath, 'GET', `/trust-bundle?api-version=${VERSION}`);
    expect(answer).toEqual({ status: 200, contentType: 'application/json; charset=utf-8', body: { certificate: TRUST_BUNDLE } });
  });

  it('signs with the calling module’s key: the digest is HMAC-SHA256 of the data, and a SAS token built from it verifies', async () => {
    const socket = await (await start()).open('filter');
    const { key, generation } = KEYS['edge/filter']!;
    const data = Buffer.from('hub.example%2Fdevices%2Fedge%2Fmodules%2Ffilter\n1900000000');
    const answer = await call(socket.socketPath, 'POST', signPath('filter', generation), signBody(data));
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ digest: createHmac('sha256', Buffer.from(key, 'base64')).update(data).digest('base64') });
    // The data was a SAS string-to-sign (encoded audience, newline, expiry): the token made with the digest verifies with the module's key.
    const token = `SharedAccessSignature sr=hub.example%2Fdevices%2Fedge%2Fmodules%2Ffilter&sig=${encodeURIComponent(answer.body.digest as string)}&se=1900000000`;
    expect(verifySasToken(token, { audiences: ['hub.example/devices/edge/modules/filter'], keys: [key], nowSeconds: 1_800_000_000 })).toBe('ok');
  });

  it('accepts every workload api-version edgelet knows, and refuses a missing or unknown one with 400 {message}', async () => {
    const socket = await (await start()).open('filter');
    for (const version of ['2019-01-30', '2022-08-03']) expect((await call(socket.socketPath, 'GET', `/trust-bundle?api-version=${version}`)).status).toBe(200);
    const missing = await call(socket.socketPath, 'GET', '/trust-bundle');
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/api-version query parameter is missing; add \?api-version=2018-06-28/);
    const unknown = await call(socket.socketPath, 'GET', '/trust-bundle?api-version=2017-01-01');
    expect(unknown.status).toBe(400);
    expect(unknown.body.message).toMatch(/^api-version 2017-01-01 is not a workload API version; use one of 2018-06-28, /);
  });

  it('answers 404 for a path it does not serve and 405 for a wrong method, each with a message', async () => {
    const socket = await (await start()).open('filter');
    const unknown = await call(socket.socketPath, 'GET', `/modules?api-version=${VERSION}`);
    expect(unknown).toMatchObject({ status: 404, body: { message: expect.stringMatching(/^no such workload API path \/modules; this workload API serves GET \/trust-bundle and POST/) } });
    expect(await call(socket.socketPath, 'GET', signPath('filter', KEYS['edge/filter']!.generation))).toMatchObject({ status: 405, body: { message: expect.stringMatching(/use POST$/) } });
    expect(await call(socket.socketPath, 'POST', `/trust-bundle?api-version=${VERSION}`, '{}')).toMatchObject({ status: 405 });
  });
});

describe('who may sign', () => {
  it('refuses a module that names another in the path (403), even while the other’s socket is open', async () => {
    const lines: string[] = [];
    const server = await start(undefined, (line) => lines.push(line));
    const filter = await server.open('filter');
    const sink = await server.open('sink');
    const data = Buffer.from('anything');
    const stolen = await call(filter.socketPath, 'POST', signPath('sink', KEYS['edge/sink']!.generation), signBody(data));
    expect(stolen.status).toBe(403);
    expect(stolen.body).toEqual({ message: 'module not authorized to access endpoint: this socket belongs to module filter, which may sign only for itself, not for sink' });
    expect(lines).toEqual([expect.stringMatching(/^workload API \(filter\): POST \/modules\/sink\/genid\/638000000000000002\/sign refused 403: /)]);
    // The same request on sink's own socket is signed with sink's key.
    const own = await call(sink.socketPath, 'POST', signPath('sink', KEYS['edge/sink']!.generation), signBody(data));
    expect(own.body).toEqual({ digest: createHmac('sha256', Buffer.from(KEYS['edge/sink']!.key, 'base64')).update(data).digest('base64') });
  });

  it('reads the module in the path percent-decoded, as the SDK encodes it ($edgeAgent as %24edgeAgent), and refuses a broken encoding', async () => {
    const socket = await (await start()).open('$edgeAgent');
    const { key, generation } = KEYS['edge/$edgeAgent']!;
    const answer = await call(socket.socketPath, 'POST', `/modules/%24edgeAgent/genid/${generation}/sign?api-version=${VERSION}`, signBody(Buffer.from('x')));
    expect(answer.body).toEqual({ digest: createHmac('sha256', Buffer.from(key, 'base64')).update('x').digest('base64') });
    expect(await call(socket.socketPath, 'POST', `/modules/%E0%A4%A/genid/${generation}/sign?api-version=${VERSION}`, signBody(Buffer.from('x')))).toMatchObject({ status: 400 });
  });

  it('refuses a generation the cloud does not have, and a module the hub does not know, with 404 "Module not found"', async () => {
    const server = await start();
    const filter = await server.open('filter');
    const stale = await call(filter.socketPath, 'POST', signPath('filter', '637000000000000000'), signBody(Buffer.from('x')));
    expect(stale).toMatchObject({ status: 404, body: { message: expect.stringMatching(/^Module not found: filter is generation 638000000000000001 in the cloud, not 637000000000000000; /) } });
    const unknown = await server.open('newcomer');
    const notYet = await call(unknown.socketPath, 'POST', signPath('newcomer', '1'), signBody(Buffer.from('x')));
    expect(notYet).toMatchObject({ status: 404, body: { message: expect.stringMatching(/^Module not found: the hub does not know the identity edge\/newcomer \(yet\)/) } });
  });

  it('refuses bodies that are not sign requests: 400 for bad JSON, another key or algorithm, 422 for data not in base64, 413 for a huge body', async () => {
    const socket = await (await start()).open('filter');
    const path = signPath('filter', KEYS['edge/filter']!.generation);
    expect(await call(socket.socketPath, 'POST', path, 'not json')).toMatchObject({ status: 400, body: { message: expect.stringMatching(/^Bad body: expected JSON/) } });
    expect(await call(socket.socketPath, 'POST', path)).toMatchObject({ status: 400 });
    expect(await call(socket.socketPath, 'POST', path, JSON.stringify({ keyId: 'secondary', algo: 'HMACSHA256', data: 'AA==' }))).toMatchObject({ status: 400, body: { message: 'keyId "secondary" is not served; modules sign with "primary"' } });
    expect(await call(socket.socketPath, 'POST', path, JSON.stringify({ keyId: 'primary', algo: 'HMACSHA1', data: 'AA==' }))).toMatchObject({ status: 400 });
    expect(await call(socket.socketPath, 'POST', path, JSON.stringify({ keyId: 'primary', algo: 'HMACSHA256', data: 'not base64!' }))).toMatchObject({ status: 422 });
    expect(await call(socket.socketPath, 'POST', path, JSON.stringify({ data: 'x'.repeat(70_000) }))).toMatchObject({ status: 413 });
    // aziot-edged reads only data: keyId and algo may be left out.
    expect(await call(socket.socketPath, 'POST', path, JSON.stringify({ data: 'AA==' }))).toMatchObject({ status: 200 });
  });
});

describe('the sockets', () => {
  it('are FOLDER/{module}.sock in a 0700 folder, each 0666 for a container user, and removed on close', async () => {
    const folder = join(tempFolder(), 'workload');
    const server = await start(folder);
    const socket = await server.open('filter');
    expect(socket.socketPath).toBe(join(folder, 'filter.sock'));
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    expect(statSync(socket.socketPath).isSocket()).toBe(true);
    expect(statSync(socket.socketPath).mode & 0o777).toBe(0o666);
    expect(await server.open('filter')).toBe(socket);
    await socket.close();
    expect(existsSync(socket.socketPath)).toBe(false);
    const again = await server.open('filter');
    expect((await call(again.socketPath, 'GET', `/trust-bundle?api-version=${VERSION}`)).status).toBe(200);
    await server.close();
    expect(existsSync(again.socketPath)).toBe(false);
  });

  it('replace a socket file a killed agent left behind', async () => {
    const folder = join(tempFolder(), 'workload');
    await start(folder).then((server) => server.close());
    writeFileSync(join(folder, 'filter.sock'), 'left behind');
    const socket = await (await start(folder)).open('filter');
    expect((await call(socket.socketPath, 'GET', `/trust-bundle?api-version=${VERSION}`)).status).toBe(200);
  });

  it('name modules that are not plain file names by a digest no plain name can take', async () => {
    expect(workloadSocketFile('filter')).toBe('filter.sock');
    expect(workloadSocketFile('$edgeAgent')).toMatch(/^~[0-9a-f]{24}\.sock$/);
    expect(workloadSocketFile('a#b?c')).toMatch(/^~[0-9a-f]{24}\.sock$/);
    expect(workloadSocketFile('m'.repeat(100))).toMatch(/^~[0-9a-f]{24}\.sock$/);
    expect(workloadSocketFile('$edgeAgent')).not.toBe(workloadSocketFile('$edgeHub'));
    // Apart on a case-insensitive filesystem too.
    expect(workloadSocketFile('Sensor').toLowerCase()).not.toBe(workloadSocketFile('sensor').toLowerCase());
    expect(workloadSocketFile('Sensor')).toMatch(/^~[0-9a-f]{24}\.sock$/);
    expect(workloadSocketFile('sensor')).toBe('sensor.sock');
  });

  it('refuses a folder too deep for a unix socket path with a line that says what to do', async () => {
    const server = await start(join(tempFolder(), 'x'.repeat(90)));
    const refusal = await server.open('filter').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(InputError);
    expect((refusal as InputError).message).toMatch(/is too long a path for a unix socket \(107 bytes\); use a shorter --data folder$/);
  });
});
