// A separate process for the disk-full test, started under a file size limit (ulimit -f): a write
// past it fails with EFBIG as on a full disk (SIGXFSZ, which would kill the process, is caught).
// Appends 1 KB messages until the store refuses one, frees space by acknowledging half of them,
// appends again, and prints each step as one JSON line. Arguments: folder, sync|nosync, and the
// store's free-disk margin in bytes (optional).
import { openHubStore, StoreWriteError } from '../../../src/runtime/store/hub-store.js';

process.on('SIGXFSZ', () => {});
const margin = process.argv[4];
const store = openHubStore(process.argv[2]!, { sync: process.argv[3] === 'sync', ...(margin === undefined ? {} : { minFreeDiskBytes: Number(margin) }) });
const upstream = [{ endpoint: '$upstream', priority: 0, ttlSeconds: -1 }];
const report = (step: object) => process.stdout.write(`${JSON.stringify(step)}\n`);
const message = (n: number) => ({ source: { deviceId: 'sensor' }, properties: {}, systemProperties: {}, body: Buffer.alloc(1024, n % 256), enqueuedAtMs: 0 });

let accepted = 0;
let refusal: unknown;
while (refusal === undefined && accepted < 100_000) {
  // Ten at a time, so a refused commit carries several appends.
  const results = await Promise.allSettled(Array.from({ length: 10 }, (_, index) => store.messages.append(message(accepted + index), upstream)));
  for (const result of results) {
    if (result.status === 'fulfilled') accepted += 1;
    else refusal ??= result.reason;
  }
}
const error = refusal as StoreWriteError;
report({
  step: 'refused',
  accepted,
  stored: store.messages.status(0).messages,
  isStoreWriteError: refusal instanceof StoreWriteError,
  code: error?.code,
  message: error?.message,
});

const offsets = store.messages.read('$upstream', 0, 0, accepted, 0).map((entry) => entry.offset);
const half = offsets.slice(0, Math.floor(offsets.length / 2));
try {
  await store.messages.acknowledge('$upstream', 0, half);
  report({ step: 'freed', acknowledged: half.length, stored: store.messages.status(0).messages });
} catch (cause) {
  report({ step: 'free-failed', message: String(cause) });
}
let again = 0;
for (let index = 0; index < 20; index += 1) {
  await store.messages.append(message(index), upstream).then(
    () => (again += 1),
    () => {},
  );
}
report({ step: 'again', accepted: again, stored: store.messages.status(0).messages });
await store.close();
report({ step: 'closed' });
