// A separate process for the damaged-page test: opens the hub store in the folder given, reads
// every queue and table, appends and acknowledges once, and prints `refused MESSAGE`, `opened`, or
// `read-error MESSAGE` (a garbled value is a JavaScript error, not a crash). A page lmdb cannot read
// safely kills this process with a signal instead, which is what the test looks for.
import { openHubStore, StoreOpenError, type HubStore } from '../../../src/runtime/store/hub-store.js';

const folder = process.argv[2]!;
let store: HubStore;
try {
  store = openHubStore(folder, { minFreeDiskBytes: 0 });
} catch (error) {
  process.stdout.write(`${error instanceof StoreOpenError ? 'refused' : 'open-error'} ${(error as Error).message}\n`);
  process.exit(0);
}
try {
  for (const endpoint of store.messages.endpoints()) {
    for (const priority of store.messages.priorities(endpoint)) store.messages.read(endpoint, priority, 0, 1_000_000, 0);
  }
  store.messages.status(0);
  for (const records of [store.identities, store.twins, store.settings]) records.entries();
  await store.messages.append({ source: { deviceId: 'sensor' }, properties: {}, systemProperties: {}, body: Buffer.from('after'), enqueuedAtMs: 0 }, [
    { endpoint: '$upstream', priority: 0, ttlSeconds: -1 },
  ]);
  await store.messages.acknowledge('$upstream', 0, [1, 2, 3]);
  await store.close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stdout.write(`read-error ${(error as Error).message}\n`);
}
