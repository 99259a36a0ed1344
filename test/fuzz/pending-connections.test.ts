// The pending-connection cap (src/runtime/iothub/pending-connections.ts) on an HTTPS server, as the
// emulator's REST server and the hub's gateway would use it (the MQTT heads are covered by
// connection-flood.test.ts, through the real processes).
// Injected: 600 TLS connections that never send a request, 100 that send half a request line and
// stop (slowloris), 50 TCP connections that never start the handshake.
// Checked: at most MAX_PENDING_CONNECTIONS of them stay open; a client that made a request before
// the flood keeps its keep-alive connection and is answered throughout; a new client is answered at
// its first attempt in the middle of the flood; the handshake-less ones end after the timeout.
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureCertificates } from '../../src/runtime/data-folder/certificates.js';
import { limitPendingConnections, MAX_PENDING_CONNECTIONS, TLS_HANDSHAKE_TIMEOUT_MS } from '../../src/runtime/iothub/pending-connections.js';
import { openIdleSockets, openSilentTcpSockets, until, type Endpoint, type IdleSockets } from './support/wire-clients.js';

const ADDRESS = '127.0.21.7';
const SILENT_TLS = 600;
const SLOW_REQUESTS = 100;
const SILENT_TCP = 50;

let folder: string;
let server: Server;
let endpoint: Endpoint;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-pending-'));
  const certificates = ensureCertificates(folder, { address: ADDRESS, names: ['localhost'] });
  server = createServer({ key: certificates.key, cert: certificates.cert, handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (_request, response) => response.end('ok'));
  limitPendingConnections(server);
  await new Promise<void>((resolve) => server.listen(0, ADDRESS, resolve));
  endpoint = { host: ADDRESS, port: (server.address() as AddressInfo).port, ca: certificates.ca };
});

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  rmSync(folder, { recursive: true, force: true });
});

function get(agent?: Agent): Promise<number | string> {
  return new Promise((resolve) => {
    const outgoing = request({ host: ADDRESS, port: endpoint.port, path: '/', ca: endpoint.ca, ...(agent === undefined ? {} : { agent }) }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode!));
    });
    outgoing.on('error', (error) => resolve(error.message));
    outgoing.end();
  });
}

/** Connections that send the start of a request and never finish it. */
async function openSlowRequests(count: number): Promise<IdleSockets> {
  let closed = 0;
  const sockets = await Promise.all(
    Array.from({ length: count }, () => {
      const socket = connect({ host: ADDRESS, port: endpoint.port, ca: endpoint.ca });
      socket.on('error', () => undefined);
      socket.once('close', () => closed++);
      return new Promise<typeof socket>((resolve) => {
        socket.once('secureConnect', () => {
          socket.write('GET / HTTP/1.1\r\nHost: x\r\n');
          resolve(socket);
        });
        socket.once('close', () => resolve(socket));
      });
    }),
  );
  return { closedByServer: () => closed, destroy: () => sockets.forEach((socket) => socket.destroy()) };
}

describe(`an HTTPS server with limitPendingConnections (${MAX_PENDING_CONNECTIONS} pending at most)`, () => {
  it('keeps at most the cap of silent and half-sent connections, and answers a client it already served and a new one throughout', async () => {
    const regular = new Agent({ keepAlive: true, maxSockets: 1, ca: endpoint.ca });
    expect(await get(regular)).toBe(200);
    const silent = await openIdleSockets(endpoint, SILENT_TLS);
    const slow = await openSlowRequests(SLOW_REQUESTS);
    const tcp = await openSilentTcpSockets(endpoint, SILENT_TCP);
    try {
      const flood = SILENT_TLS + SLOW_REQUESTS + SILENT_TCP;
      const closed = (): number => silent.closedByServer() + slow.closedByServer() + tcp.closedByServer();
      await until(() => closed() >= flood - MAX_PENDING_CONNECTIONS, `the server to close all but ${MAX_PENDING_CONNECTIONS} of ${flood} (closed ${closed()})`, 20_000);
      expect(await get(regular), 'the client served before the flood, on its kept connection').toBe(200);
      expect(await get(), 'a new client, first attempt').toBe(200);
      // The newest of the flood, the handshake-less ones, go when their handshake times out.
      await until(() => tcp.closedByServer() === SILENT_TCP, `the handshake-less connections to end (closed ${tcp.closedByServer()})`, TLS_HANDSHAKE_TIMEOUT_MS + 30_000);
    } finally {
      for (const sockets of [silent, slow, tcp]) sockets.destroy();
      regular.destroy();
    }
  }, 90_000);
});
