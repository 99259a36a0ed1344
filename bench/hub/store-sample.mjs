#!/usr/bin/env node
// One sample of the store micro-benchmark, in its own process (a fresh heap and a fresh lmdb
// environment each time): N appends of one message with one `$upstream` target into
// openHubStore (dist/runtime/store/hub-store.js), each counted once its promise resolved (the
// commit the hub waits for before a PUBACK).
//
//   node bench/hub/store-sample.mjs '{"dist","folder","count","size","sync":bool,"inFlight":N}'
//
// inFlight 1: the next append starts when the previous one resolved (one commit per message);
// inFlight 1000: up to 1000 appends wait at once, as 10 publishers with 100 unacknowledged each
// do, and the store may commit them together (group commit). Prints {"rate","elapsedMs"}.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const { dist, folder, count, size, sync, inFlight } = JSON.parse(process.argv[2]);
const { openHubStore } = await import(pathToFileURL(path.join(dist, 'runtime/store/hub-store.js')).href);

const store = openHubStore(folder, { sync });
const targets = [{ endpoint: '$upstream', priority: 2_000_000_000, ttlSeconds: 7200 }];
const message = (i) => ({
  source: { deviceId: `bench-child-${i % 10}` },
  properties: { seq: String(i) },
  systemProperties: {},
  body: Buffer.alloc(size, i % 251),
  enqueuedAtMs: Date.now(),
});

/** `total` appends with up to `inFlight` waiting at once. */
function appendAll(first, total) {
  let next = first;
  let done = 0;
  return new Promise((resolve, reject) => {
    let waiting = 0;
    const pump = () => {
      while (waiting < inFlight && next < first + total) {
        waiting++;
        store.messages.append(message(next++), targets).then(() => {
          waiting--;
          if (++done === total) resolve();
          else pump();
        }, reject);
      }
    };
    pump();
  });
}

// Warm-up outside the timing (lmdb's first commits, the JIT): a tenth of the count, at most 1,000.
const warmUp = Math.max(1, Math.min(1000, Math.floor(count / 10)));
await appendAll(-warmUp, warmUp);
const before = store.commitStats?.();

const start = performance.now();
await appendAll(0, count);
const elapsedMs = performance.now() - start;
const after = store.commitStats?.();
const [commits, writes] = before && after ? [after.commits - before.commits, after.writes - before.writes] : [];
await store.close();
process.stdout.write(`${JSON.stringify({ rate: (count / elapsedMs) * 1000, elapsedMs, commits, writes })}\n`);
