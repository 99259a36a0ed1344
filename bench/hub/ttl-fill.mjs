#!/usr/bin/env node
// Fills a stopped hub's store with messages that have already expired, straight through
// openHubStore (group commit, 1,000 appends in flight), so that a TTL sample starts with a store
// of a million expired messages in seconds instead of minutes of MQTT: the entries are the ones
// ingest writes (one $upstream target, route priority 0), enqueued an hour ago with a TTL of 60 s.
//
//   node bench/hub/ttl-fill.mjs '{"dist","folder","count","size"}'     prints {"count","ms"}
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const IN_FLIGHT = 1_000;
const { dist, folder, count, size } = JSON.parse(process.argv[2]);
const { openHubStore } = await import(pathToFileURL(path.join(dist, 'runtime/store/hub-store.js')).href);

const store = openHubStore(folder, { sync: false });
const targets = [{ endpoint: '$upstream', priority: 0, ttlSeconds: 60 }];
const enqueuedAtMs = Date.now() - 3_600_000;
const message = (i) => ({
  source: { deviceId: `bench-child-${i % 10}` },
  properties: {},
  systemProperties: { 'message-id': `expired-${i}` },
  body: Buffer.alloc(size, 120),
  enqueuedAtMs,
});

const start = performance.now();
await new Promise((resolve, reject) => {
  let next = 0;
  let done = 0;
  let waiting = 0;
  const pump = () => {
    while (waiting < IN_FLIGHT && next < count) {
      waiting++;
      store.messages.append(message(next++), targets).then(() => {
        waiting--;
        if (++done === count) resolve();
        else pump();
      }, reject);
    }
  };
  if (count === 0) resolve();
  else pump();
});
const ms = performance.now() - start;
await store.close();
process.stdout.write(`${JSON.stringify({ count, ms })}\n`);
