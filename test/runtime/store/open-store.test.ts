// The emulator's lmdb store: real files in a temp folder, writes that survive closing and opening
// again, and all-or-nothing multi-record writes.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ScratchStores } from './scratch-store.js';

const stores = new ScratchStores();
afterAll(() => stores.cleanUp());

describe('openCloudStore', () => {
  it('creates the store folder and keeps records across a reopen', async () => {
    const { folder, store } = stores.fresh();
    expect(existsSync(join(folder, 'store'))).toBe(true);
    await store.devices.put('sensor-1', { deviceId: 'sensor-1' });
    await store.modules.put(['edge-1', 'filter'], { moduleId: 'filter' });
    await store.settings.put('iothubowner', 'key');
    const again = await stores.reopen(folder, store);
    expect(again.devices.get('sensor-1')).toEqual({ deviceId: 'sensor-1' });
    expect(again.modules.get(['edge-1', 'filter'])).toEqual({ moduleId: 'filter' });
    expect(again.settings.get('iothubowner')).toBe('key');
  });

  it('writes all of a writeSync or, when it throws, none of it', async () => {
    const { folder, store } = stores.fresh();
    store.writeSync(() => {
      void store.devices.put('a', 1);
      void store.devices.put('b', 2);
    });
    expect(() =>
      store.writeSync(() => {
        void store.devices.put('a', 10);
        void store.devices.put('c', 3);
        throw new Error('refused');
      }),
    ).toThrow('refused');
    const again = await stores.reopen(folder, store);
    expect([...again.devices.getRange()].map(({ key, value }) => [key, value])).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('refuses a writeSync callback that returns a promise, writing nothing', () => {
    const { store } = stores.fresh();
    expect(() => store.writeSync(() => store.devices.put('a', 1))).toThrow(/synchronous/);
    expect(store.devices.get('a')).toBeUndefined();
  });

  it('closes more than once without failing', async () => {
    const { store } = stores.fresh();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
