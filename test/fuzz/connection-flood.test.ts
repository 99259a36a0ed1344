// Issue 16, "Bad input", connection floods against the edge hub's MQTT server and the emulator's,
// each a real process with 1,024 file descriptors (support/wire-world.ts), while a well-behaved
// client (MQTT.js) publishes every 20 ms on its own connection.
// Injected per server (CI; EDGEWISE_FUZZ_RUNS=N multiplies the flood): 1,100 TLS connections that
// never send CONNECT (more than the process's file descriptors), then 50 TCP connections that never
// start the TLS handshake, then a burst of 200 CONNECTs at once (150 with a wrong signature, 50
// genuine ones of one identity, each replacing the one before).
// Checked: the server keeps at most MAX_PENDING_CONNECTIONS of the silent connections (it closes the
// oldest), so a new client logs in at its first attempt in the middle of the flood; the connections
// without a handshake are closed after TLS_HANDSHAKE_TIMEOUT_MS; no wrong signature is accepted and
// every genuine CONNECT is; the process is still running; the well-behaved client got every PUBACK
// without a drop and each of its messages reached the cloud. Memory, open files and PUBACK
// latencies are printed, not asserted.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PENDING_CONNECTIONS, TLS_HANDSHAKE_TIMEOUT_MS } from '../../src/runtime/iothub/pending-connections.js';
import { openIdleSockets, openSilentTcpSockets, RawWireClient, until } from './support/wire-clients.js';
import { CloudWatch, loadAverage, loginWorks, whileSteadyPublishes } from './support/wire-checks.js';
import { nowSeconds, SERVER_FILE_LIMIT, startWireWorld, type WireServer, type WireWorld } from './support/wire-world.js';

const MULTIPLIER = Math.max(1, Math.floor(Number(process.env.EDGEWISE_FUZZ_RUNS ?? '1')) || 1);
const SILENT_TLS = 1_100 * MULTIPLIER;
const SILENT_TCP = 50;
const WRONG_CONNECTS = 150;
const GENUINE_CONNECTS = 50;
const SERVERS = ['emulator', 'hub'] as const;

const steady = (server: string): string => `steady-${server}`;
const late = (server: string): string => `late-${server}`;
const burst = (server: string): string => `burst-${server}`;

let world: WireWorld;
let cloud: CloudWatch;

beforeAll(async () => {
  world = await startWireWorld({ emulator: '127.0.21.3', hub: '127.0.21.4' }, SERVERS.flatMap((server) => [steady(server), late(server), burst(server)]));
  cloud = new CloudWatch(world);
  await loginWorks(world.hub, steady('hub'), 60_000);
}, 120_000);

afterAll(async () => {
  await world?.close();
});

function footprint(server: WireServer): string {
  return `${server.openFiles()} open files, ${Math.round(server.residentKiB() / 1024)} MiB resident`;
}

describe.each(SERVERS)(`%s MQTT server under a connection flood (${SILENT_TLS} silent TLS connections; EDGEWISE_FUZZ_RUNS=N for N times as many)`, (name) => {
  const server = (): WireServer => world[name];

  it(`keeps at most ${MAX_PENDING_CONNECTIONS} connections waiting for CONNECT, ends handshakes that never come, refuses a burst of bad CONNECTs; a new client gets in and the publishing client loses nothing`, async () => {
    const before = footprint(server());
    await whileSteadyPublishes(cloud, server(), steady(name), `flood-${name}`, async () => {
      const flood = await openIdleSockets(server(), SILENT_TLS);
      try {
        // The oldest silent connections are closed as newer ones come: no more than the cap stay.
        await until(() => flood.closedByServer() >= SILENT_TLS - MAX_PENDING_CONNECTIONS, `${name} to close all but ${MAX_PENDING_CONNECTIONS} of ${SILENT_TLS} silent connections (closed ${flood.closedByServer()})`, 20_000);
        console.log(`${name}: ${SILENT_TLS} silent TLS connections (process limit ${SERVER_FILE_LIMIT} files): ${flood.closedByServer()} closed by the server; ${footprint(server())} (before: ${before}; load ${loadAverage()})`);

        const silentTcp = await openSilentTcpSockets(server(), SILENT_TCP);
        // One attempt, no retry: a client that logs in at once is not crowded out by the flood.
        const newcomer = await RawWireClient.open(server());
        expect(await newcomer.login(server(), late(name)), 'a new client logs in during the flood').toBe(0);
        newcomer.end();

        const codes = await connectBurst(server(), burst(name));
        expect(codes.wrong.filter((code) => code === 0), 'wrong signatures accepted').toEqual([]);
        expect(codes.genuine.filter((code) => code !== 0), 'genuine CONNECTs refused').toEqual([]);

        await until(() => silentTcp.closedByServer() === SILENT_TCP, `${name} to end the connections that never started a handshake (closed ${silentTcp.closedByServer()} of ${SILENT_TCP})`, TLS_HANDSHAKE_TIMEOUT_MS + 30_000);
        silentTcp.destroy();
      } finally {
        flood.destroy();
      }
    });
    await loginWorks(server(), late(name));
    console.log(`${name}: after the flood, ${footprint(server())}`);
  }, 120_000);
});

/** Sends every CONNECT of the burst at once; resolves with the CONNACK return codes (-1: closed without one). */
async function connectBurst(server: WireServer, clientId: string): Promise<{ wrong: number[]; genuine: number[] }> {
  const attempt = async (password: string): Promise<number> => {
    const client = await RawWireClient.open(server).catch(() => undefined);
    if (client === undefined) return -1;
    try {
      return await client.login(server, clientId, password);
    } finally {
      client.end();
    }
  };
  const later = nowSeconds() + 3600;
  const wrong = Array.from({ length: WRONG_CONNECTS }, () => attempt(server.token(clientId, later, { key: randomBytes(32).toString('base64') })));
  const genuine = Array.from({ length: GENUINE_CONNECTS }, () => attempt(server.token(clientId, later)));
  return { wrong: await Promise.all(wrong), genuine: await Promise.all(genuine) };
}
