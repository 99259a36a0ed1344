// A separate process for store-damage.test.ts: opens the emulator's store in the data folder given,
// reads every record of every table, writes one, and prints `refused MESSAGE`, `opened`, or
// `read-error MESSAGE` (a garbled value is a JavaScript error, not a crash). A page lmdb cannot
// read safely kills this process with a signal instead, which is what the test looks for.
import { CloudStoreOpenError, openCloudStore, type CloudStore } from '../../src/runtime/store/open-store.js';

const folder = process.argv[2]!;
let store: CloudStore;
try {
  store = openCloudStore(folder);
} catch (error) {
  process.stdout.write(`${error instanceof CloudStoreOpenError ? 'refused' : 'open-error'} ${(error as Error).message}\n`);
  process.exit(0);
}
try {
  for (const table of [store.devices, store.modules, store.twins, store.telemetry, store.cloudToDevice, store.settings]) {
    for (const entry of table.getRange()) void entry.value;
  }
  store.writeSync(() => {
    void store.devices.put('after-damage', { deviceId: 'after-damage' });
  });
  await store.close();
  process.stdout.write('opened\n');
} catch (error) {
  process.stdout.write(`read-error ${(error as Error).message}\n`);
}
