// `edgewise run` (the real executable) exits 0 on SIGTERM by itself, with nothing forcing
// process.exit(): also when a cloud connection is still mid-handshake at that moment. Two ways
// to be there: a child device that connects and leaves at once, its cloud connection opened on
// attach, with the emulator (in this process) held busy so that connection cannot finish before
// the hub closes its link; and a cloud that accepts TCP connections but never answers. Before
// the fix the half-made connection kept its socket open after link.close() and the process
// lived on (until the emulator dropped it 90 s later, or MQTT.js's 30 s CONNACK timeout).
// Also a device-scope call (HTTPS) to a cloud that never answers: stopping aborts it, instead of
// waiting for its 20 s timeout.
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { startHubRun, type HubLife, type ServerExit } from '../../../faults/support/edgewise-run.js';
import { hubManifest, rawConnect, removeTempFolders, runCli, startScenario, STANDARD_ROUTES, tempFolder, waitFor, writeManifest, type Scenario } from '../assembly/hub-support.js';

/** Generous for a busy 2-core machine, and far below the 30 s and 90 s a leaked socket lived. */
const EXIT_DEADLINE_MS = 20_000;

const children: ChildProcess[] = [];
let scenario: Scenario | undefined;
let blackHole: { server: Server; sockets: Set<Socket> } | undefined;

afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await scenario?.close();
  scenario = undefined;
  if (blackHole) {
    for (const socket of blackHole.sockets) socket.destroy();
    await new Promise((resolve) => blackHole!.server.close(resolve));
    blackHole = undefined;
  }
});

afterAll(() => removeTempFolders());

/** Starts `edgewise run`; resolves once it printed where it listens. */
function runHub(flags: string[], connectionString: string, data: string): Promise<HubLife> {
  const manifest = writeManifest(tempFolder(), hubManifest(STANDARD_ROUTES));
  return startHubRun({ manifest, data, connectionString, flags, children });
}

/** How the process ended, or 'still running' once the deadline passed. */
async function exitWithin(running: HubLife, deadlineMs = EXIT_DEADLINE_MS): Promise<ServerExit | 'still running'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), deadlineMs)));
  try {
    return await Promise.race([running.exited, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A port nothing listens on: one the OS gave out and took back. */
async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** Blocks this process (the emulator with it) so the hub's cloud handshakes cannot finish meanwhile. */
function holdThisProcess(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

describe('edgewise run on SIGTERM', () => {
  it('exits 0 right after a child connected and left, its cloud connection still being made', async () => {
    scenario = await startScenario();
    const data = join(tempFolder(), 'hub');
    const running = await runHub(['--cloud-ca', scenario.cloud.running.info.ca, '--cloud-https-port', String(scenario.cloud.running.info.https.port)], scenario.edgeConnectionString, data);
    // Children authenticate from the identity cache, filled by the first scope sync.
    await waitFor('the upstream to connect', async () => JSON.parse((await runCli(['hub', 'status', '--data', data])).stdout || '{}').upstream === 'connected');
    const token = scenario.token('child-a', undefined, Math.floor(Date.now() / 1000) + 600);
    const client = await waitFor('child-a to connect through the hub', () => rawConnect(running.info, 'child-a', `${scenario!.hostName}/child-a/?api-version=2021-04-12`, token).catch(() => undefined));
    // The hub opened child-a's cloud connection on CONNACK; it is not up yet when the hub stops.
    client.end(true);
    running.child.kill('SIGTERM');
    holdThisProcess(1500);

    const exited = await exitWithin(running);
    expect(exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(join(data, 'hub.json'))).toBe(false);
  }, 55_000);

  it('exits 0 while its own cloud connection waits on a cloud that never answers', async () => {
    // A first run against the emulator fills the identity cache: the hub signs its own connection with a cached key.
    scenario = await startScenario();
    const data = join(tempFolder(), 'hub');
    const synced = await runHub(['--cloud-ca', scenario.cloud.running.info.ca, '--cloud-https-port', String(scenario.cloud.running.info.https.port)], scenario.edgeConnectionString, data);
    await waitFor('the upstream to connect', async () => JSON.parse((await runCli(['hub', 'status', '--data', data])).stdout || '{}').upstream === 'connected');
    synced.child.kill('SIGTERM');
    expect(await exitWithin(synced)).toMatchObject({ code: 0, signal: null });

    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    blackHole = { server, sockets };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const silentPort = (server.address() as { port: number }).port;
    const silentCloud = scenario.edgeConnectionString.replace(/HostName=[^;]+/, `HostName=127.0.0.1:${silentPort}`);
    // The scope listing goes to a closed port (refused at once): this test is about the MQTT side.
    const running = await runHub(['--cloud-ca', scenario.cloud.running.info.ca, '--cloud-https-port', String(await closedPort())], silentCloud, data);
    await waitFor('the hub to open a connection to the silent cloud', () => sockets.size > 0);

    running.child.kill('SIGTERM');
    expect(await exitWithin(running)).toMatchObject({ code: 0, signal: null });
    expect(existsSync(join(data, 'hub.json'))).toBe(false);
  }, 55_000);

  it('exits 0 while its device-scope call waits on a cloud that never answers', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.resume();
      socket.on('close', () => sockets.delete(socket));
    });
    blackHole = { server, sockets };
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const silentPort = (server.address() as { port: number }).port;
    // MQTT goes to a closed port (refused at once): this test is about the scope listing, whose own timeout is 20 s.
    const offline = `HostName=127.0.0.1:${await closedPort()};DeviceId=edge;SharedAccessKey=${Buffer.alloc(32, 3).toString('base64')}`;
    const data = join(tempFolder(), 'hub');
    const running = await runHub(['--cloud-https-port', String(silentPort)], offline, data);
    await waitFor('the hub to call the silent cloud for its scope', () => sockets.size > 0);

    running.child.kill('SIGTERM');
    // Only a hang guard: that stop() aborts the call is shown without a clock in identity/scope-abort.test.ts.
    const exited = await exitWithin(running);
    expect(exited).toMatchObject({ code: 0, signal: null });
    expect(existsSync(join(data, 'hub.json'))).toBe(false);
  }, 55_000);
});
