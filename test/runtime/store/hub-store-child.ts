// A separate process for the kill test and the measurements: opens a hub store and appends in a
// loop with `inflight` appends outstanding, printing `ok N` when append N has resolved. Run
// bundled (hub-store-support.ts bundleChild); arguments: folder, sync|nosync, inflight, count,
// then optionally `rss=EVERY` to print `rss N <memory>` every EVERY appends instead of each `ok N`,
// and `max-writes=N` for the most appends per commit;
// prints `done COUNT in MS ms` once all are committed and the store is closed.
import { readFileSync } from 'node:fs';
import { openHubStore } from '../../../src/runtime/store/hub-store.js';

const [folder, syncMode, inflightText, countText, ...extras] = process.argv.slice(2);
const option = (name: string) => extras.find((extra) => extra.startsWith(`${name}=`))?.slice(name.length + 1);
const maxWrites = option('max-writes');
const store = openHubStore(folder!, { sync: syncMode === 'sync', ...(maxWrites === undefined ? {} : { maxWritesPerCommit: Number(maxWrites) }) });
const inflight = Number(inflightText);
const count = Number(countText);
const rssEvery = Number(option('rss') ?? 0);
const body = Buffer.alloc(200, 0x61);
let next = 0;
let done = 0;

/** Resident memory, anonymous (heap, buffers) and file-backed (lmdb's map), and the JS heap, in bytes. */
function memory(): string {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kilobytes = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? NaN) * 1024;
  return `rss=${kilobytes('VmRSS')} anon=${kilobytes('RssAnon')} file=${kilobytes('RssFile')} heap=${process.memoryUsage().heapUsed}`;
}

function appendOne(): void {
  if (next >= count) return;
  const n = next++;
  const message = {
    source: { deviceId: 'sensor' },
    properties: { n: String(n) },
    systemProperties: {},
    body,
    enqueuedAtMs: Date.now(),
  };
  store.messages.append(message, [{ endpoint: '$upstream', priority: 2_000_000_000, ttlSeconds: -1 }]).then(
    () => {
      done += 1;
      if (rssEvery === 0) process.stdout.write(`ok ${n}\n`);
      else if (done % rssEvery === 0) process.stdout.write(`rss ${done} ${memory()}\n`);
      if (done === count) void store.close().then(() => process.stdout.write(`done ${count} in ${Date.now() - started} ms\n`));
      appendOne();
    },
    (error: unknown) => {
      process.stdout.write(`failed ${n} ${String(error)}\n`);
      process.exit(1);
    },
  );
}

const started = Date.now();
process.stdout.write('ready\n');
for (let index = 0; index < inflight; index += 1) appendOne();
