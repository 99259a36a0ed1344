// Stopping while the cloud does not answer: a scope listing aborted by its signal, and a refresher
// whose stop() aborts the listing in flight, against a TCP listener that accepts connections and
// never answers (not even the TLS handshake). The listing's own timeout is set far beyond the
// test's, so only the abort can end these calls.
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DeviceScopeAbortedError, fetchDeviceScope } from '../../../../src/runtime/hub/identity/fetch-device-scope.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { ScopeRefresher } from '../../../../src/runtime/hub/identity/scope-refresher.js';
import { memoryRecords } from './memory-records.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

const EDGE = 'edge-1';
const KEY = Buffer.alloc(32, 7).toString('base64');
const NEVER_MS = 10 * 60 * 1000;

interface SilentCloud {
  port: number;
  sockets: Set<Socket>;
  /** Every connection ever accepted. */
  accepted: () => number;
}

let silent: { server: Server; sockets: Set<Socket> } | undefined;

afterEach(async () => {
  if (!silent) return;
  for (const socket of silent.sockets) socket.destroy();
  await new Promise((resolve) => silent!.server.close(resolve));
  silent = undefined;
});

async function startSilentCloud(): Promise<SilentCloud> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.resume();
    socket.on('close', () => sockets.delete(socket));
  });
  silent = { server, sockets };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as { port: number }).port, sockets, accepted: () => accepted };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  await pollUntil(what, probe);
}

function listing(port: number, signal?: AbortSignal) {
  return fetchDeviceScope({ hostName: '127.0.0.1', httpsPort: port, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: KEY }, timeoutMs: NEVER_MS, ...(signal ? { signal } : {}) });
}

describe('fetchDeviceScope with a signal', () => {
  it('rejects with DeviceScopeAbortedError and drops its connection when aborted mid-call', async () => {
    const cloud = await startSilentCloud();
    const controller = new AbortController();
    const call = listing(cloud.port, controller.signal);
    await until('the listing to connect', () => cloud.sockets.size > 0);
    controller.abort();
    await expect(call).rejects.toBeInstanceOf(DeviceScopeAbortedError);
    await until('the connection to close', () => cloud.sockets.size === 0);
  });

  it('does not connect at all when the signal is already aborted', async () => {
    const cloud = await startSilentCloud();
    const controller = new AbortController();
    controller.abort();
    await expect(listing(cloud.port, controller.signal)).rejects.toBeInstanceOf(DeviceScopeAbortedError);
    expect(cloud.accepted()).toBe(0);
  });
});

describe('ScopeRefresher.stop', () => {
  it('aborts the listing in flight, resolves, and logs no failure for it', async () => {
    const cloud = await startSilentCloud();
    const lines: string[] = [];
    const cache = IdentityCache.open(memoryRecords(), EDGE);
    const refresher = new ScopeRefresher({ cache, fetch: (signal) => listing(cloud.port, signal), onRemoved: () => undefined, log: (line) => lines.push(line) });
    refresher.start();
    await until('the refresher to call the cloud', () => cloud.sockets.size > 0);
    await refresher.stop();
    await until('the connection to close', () => cloud.sockets.size === 0);
    expect(cache.synced).toBe(false);
    expect(lines).toEqual([]);
  });

  it('does not write a listing that ends after stop()', async () => {
    const cache = IdentityCache.open(memoryRecords(), EDGE);
    let answer!: (scope: []) => void;
    let seen: AbortSignal | undefined;
    const refresher = new ScopeRefresher({
      cache,
      // A fetch that ignores its signal: the refresher must still drop what it brings.
      fetch: (signal) => ((seen = signal), new Promise((resolve) => (answer = resolve))),
      onRemoved: () => undefined,
      log: () => undefined,
    });
    refresher.start();
    const stopped = refresher.stop();
    expect(seen?.aborted).toBe(true);
    answer([]);
    await stopped;
    expect(cache.synced).toBe(false);
  });
});
