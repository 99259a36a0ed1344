// The store folder is owner-only, like the data folder's other secrets (review finding: message
// bodies and twins in DIR/storage were world-readable), also when an older edgewise made it; and
// the hub can name the stores it left behind when storageFolder changed between runs.
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { otherStoresIn, storeFolder } from '../../../src/runtime/hub/config/store-folder.js';
import { ScratchHubStores } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('the hub store folder', () => {
  it.runIf(process.platform !== 'win32')('is made owner-only, and an existing one is made so at open', async () => {
    const { folder, store } = stores.fresh();
    expect(modeOf(folder)).toBe(0o700);
    await store.close();
    chmodSync(folder, 0o755);
    await stores.open(folder).close();
    expect(modeOf(folder)).toBe(0o700);
  });

  it('names the other stores under DIR/storage, not the current one', () => {
    const dataFolder = stores.folder();
    expect(otherStoresIn(dataFolder, storeFolder(dataFolder, {}))).toEqual([]);
    const old = storeFolder(dataFolder, {});
    const earlier = storeFolder(dataFolder, { storageFolder: '/iotedge/storage' });
    const current = storeFolder(dataFolder, { storageFolder: '/data/hub' });
    for (const folder of [old, earlier, current]) {
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'data.mdb'), '');
    }
    mkdirSync(join(dataFolder, 'storage', 'empty'));
    expect(otherStoresIn(dataFolder, current)).toEqual([old, earlier]);
    expect(otherStoresIn(dataFolder, old)).toEqual([current, earlier]);
  });
});
