// Who may read the status page and cut the upstream, over real HTTP on loopback: the page and its
// API need the run's token (other users of the machine reach loopback too), a POST from another
// origin is refused even with the token (CSRF), a foreign Host is refused (DNS rebinding), the
// page may not be framed (clickjacking), and the assets it loads are served from the packages.
import { request } from 'node:http';
import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors.js';
import { statusPageAddress } from '../../../src/runtime/status-page/page-access.js';
import { startStatusPage, type RunningStatusPage } from '../../../src/runtime/status-page/status-page-server.js';
import { waitFor } from '../../support/wait-for.js';
import { fakeHub, hubStatusWith, type FakeHub } from './fake-hub.js';

const ADDRESS = '127.0.17.2';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** One HTTP call with exactly these headers (fetch would not let a test set Host). */
function call(page: RunningStatusPage, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = request({ host: page.address, port: page.port, method, path, headers: { host: `${page.address}:${page.port}`, ...headers } }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, text }));
    });
    sent.on('error', reject);
    sent.end(body);
  });
}

const pages: RunningStatusPage[] = [];
const servers: Server[] = [];

afterEach(async () => {
  await Promise.all(pages.splice(0).map((page) => page.close()));
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function start(hub: FakeHub = fakeHub(), modules?: () => Record<string, { runtimeStatus: string; restartCount: number }>): Promise<{ page: RunningStatusPage; token: string; hub: FakeHub }> {
  const page = await startStatusPage({ hub, modules, address: ADDRESS, port: 0 });
  pages.push(page);
  const token = new URL(page.url).searchParams.get('token')!;
  return { page, token, hub };
}

describe('the status page on loopback', () => {
  it('serves the page only at the address with the token, never to be framed', async () => {
    const { page, token } = await start();
    expect(page.url).toBe(`http://${ADDRESS}:${page.port}/?token=${token}`);
    expect(token.length).toBeGreaterThanOrEqual(32);

    const withToken = await call(page, 'GET', `/?token=${token}`);
    expect(withToken.status).toBe(200);
    expect(withToken.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(withToken.text).toContain(`<meta name="edgewise-token" content="${token}">`);
    expect(withToken.headers['x-frame-options']).toBe('DENY');
    expect(withToken.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(withToken.headers['content-security-policy']).toContain("script-src 'self'");
    expect(withToken.headers['referrer-policy']).toBe('no-referrer');

    for (const path of ['/', '/?token=', `/?token=${token.slice(0, -1)}x`]) {
      const refused = await call(page, 'GET', path);
      expect(refused.status, path).toBe(403);
      expect(refused.text).toContain('Open the address it printed');
      expect(refused.text).not.toContain(token);
    }
  });

  it('answers only to its own address or localhost in Host', async () => {
    const { page, token } = await start();
    expect((await call(page, 'GET', `/?token=${token}`, { host: `localhost:${page.port}` })).status).toBe(200);
    const rebound = await call(page, 'GET', `/?token=${token}`, { host: `attacker.example:${page.port}` });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toContain('answers only to its own address');
  });

  it("serves its script, its stylesheet and uPlot's files from the installed package", async () => {
    const { page } = await start();
    const chart = await call(page, 'GET', '/assets/uPlot.iife.min.js');
    expect(chart.status).toBe(200);
    expect(chart.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(chart.text).toMatch(/uPlot/);
    expect((await call(page, 'GET', '/assets/uPlot.min.css')).text).toContain('.uplot');
    expect((await call(page, 'GET', '/assets/page.js')).text).toContain('/api/status');
    expect((await call(page, 'GET', '/assets/page.css')).status).toBe(200);
    expect((await call(page, 'GET', '/nothing-here')).status).toBe(404);
  });

  it("gives the status to a request with the run's token in its header, and samples for the chart", async () => {
    const hub = fakeHub(hubStatusWith([{ endpoint: '$upstream', priority: 0, depth: 7, oldestAgeSeconds: 4 }], { stored: 7 }));
    const { page, token } = await start(hub, () => ({ sensor: { runtimeStatus: 'running', restartCount: 1 }, filter: { runtimeStatus: 'backoff', restartCount: 3 } }));
    expect((await call(page, 'GET', '/api/status')).status).toBe(403);
    expect((await call(page, 'GET', `/api/status?token=${token}`)).status).toBe(403);

    const answer = await call(page, 'GET', '/api/status', { 'x-edgewise-token': token });
    expect(answer.status).toBe(200);
    const snapshot = JSON.parse(answer.text) as { upstream: string; modules: unknown; queues: unknown[]; samples: { seq: number; queued: number }[] };
    expect(snapshot.upstream).toBe('connected');
    expect(snapshot.modules).toEqual([
      { name: 'filter', runtimeStatus: 'backoff', restartCount: 3 },
      { name: 'sensor', runtimeStatus: 'running', restartCount: 1 },
    ]);
    expect(snapshot.samples[0]).toMatchObject({ seq: 1, queued: 7, queuedUpstream: 7, oldestAgeSeconds: 4 });
    const last = snapshot.samples.at(-1)!.seq;
    const later = JSON.parse((await call(page, 'GET', `/api/status?since=${last}`, { 'x-edgewise-token': token })).text) as { samples: { seq: number }[] };
    expect(later.samples.every((sample) => sample.seq > last)).toBe(true);
  });

  it('says no modules run when no agent runs', async () => {
    const { page, token } = await start();
    expect(JSON.parse((await call(page, 'GET', '/api/status', { 'x-edgewise-token': token })).text).modules).toBeNull();
  });

  it('cuts and restores the upstream for the page itself, and for nobody else', async () => {
    const { page, token, hub } = await start();
    const origin = `http://${ADDRESS}:${page.port}`;
    const json = { 'content-type': 'application/json' };
    const cut = JSON.stringify({ action: 'cut' });

    expect((await call(page, 'POST', '/api/upstream', { ...json, origin }, cut)).status).toBe(403);
    expect((await call(page, 'POST', '/api/upstream', { ...json, origin, 'x-edgewise-token': 'guess' }, cut)).status).toBe(403);
    // Another site open in the same browser, even if it had the token.
    const forged = await call(page, 'POST', '/api/upstream', { ...json, origin: 'https://attacker.example', 'x-edgewise-token': token }, cut);
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.text).error).toBe('only the status page itself may cut or restore the upstream');
    // A form post cannot set our header, and a text/plain body is not an action either.
    expect((await call(page, 'POST', '/api/upstream', { 'content-type': 'text/plain', origin, 'x-edgewise-token': token }, cut)).status).toBe(400);
    expect((await call(page, 'POST', '/api/upstream', { ...json, origin, 'x-edgewise-token': token }, '{"action":"explode"}')).status).toBe(400);
    expect((await call(page, 'GET', '/api/upstream', { 'x-edgewise-token': token })).status).toBe(405);
    expect(hub.actions).toEqual([]);

    const done = await call(page, 'POST', '/api/upstream', { ...json, origin, 'x-edgewise-token': token }, cut);
    expect(done.status).toBe(200);
    expect(JSON.parse(done.text)).toEqual({ upstream: 'cut' });
    const restored = await call(page, 'POST', '/api/upstream', { ...json, 'x-edgewise-token': token }, JSON.stringify({ action: 'restore' }));
    expect(JSON.parse(restored.text)).toEqual({ upstream: 'connecting' });
    expect(hub.actions).toEqual(['cut', 'restore']);
  });

  it('ends a browser\'s keep-alive connection when it stops', async () => {
    const { page, token } = await start();
    const socket = connect(page.port, page.address);
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    const ended = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    socket.write(`GET /api/status HTTP/1.1\r\nHost: ${page.address}:${page.port}\r\nConnection: keep-alive\r\nx-edgewise-token: ${token}\r\n\r\n`);
    await waitFor('the status over the kept connection', () => received.includes('"upstream"'));
    await page.close();
    await ended;
    await expect(call(page, 'GET', '/')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('names --ui-port when its port is taken', async () => {
    const taken = createServer();
    servers.push(taken);
    await new Promise<void>((resolve) => taken.listen(0, ADDRESS, resolve));
    const port = (taken.address() as { port: number }).port;
    const failure = await startStatusPage({ hub: fakeHub(), address: ADDRESS, port }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InputError);
    expect((failure as InputError).message).toBe(`${ADDRESS}:${port} is in use (another hub, or an emulator?); choose another port with --ui-port`);
  });

  it('stays on loopback whatever address the hub listens on', () => {
    expect(statusPageAddress('127.0.17.9')).toBe('127.0.17.9');
    expect(statusPageAddress('::1')).toBe('::1');
    expect(statusPageAddress('0.0.0.0')).toBe('127.0.0.1');
    expect(statusPageAddress('192.168.1.20')).toBe('127.0.0.1');
    expect(statusPageAddress('::')).toBe('127.0.0.1');
  });
});
