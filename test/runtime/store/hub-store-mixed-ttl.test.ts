// Routes with different TTLs feed one queue, so an expired entry may sit behind a live one: the
// cleanup must scan the whole queue (a chunk per write), not stop at the first live entry; and it
// stops between two chunks when asked to (a hub closing).
import { afterAll, describe, expect, it } from 'vitest';
import { message, ScratchHubStores, texts, upstream } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

describe('removeExpired with mixed TTLs in one queue', () => {
  it('removes every expired entry, also those behind live ones', async () => {
    const { store } = stores.fresh({ expiryChunk: 4, minFreeDiskBytes: 0 });
    for (let index = 0; index < 10; index += 1) {
      await store.messages.append(message(`short ${index}`, 1_000), [upstream(5)]);
      await store.messages.append(message(`long ${index}`, 1_000), [upstream(-1)]);
    }
    expect(await store.messages.removeExpired(1_000 + 6_000)).toBe(10);
    expect(texts(store, '$upstream', 2_000_000_000, 1_000 + 6_000)).toEqual(Array.from({ length: 10 }, (_, index) => `long ${index}`));
    expect(store.messages.status(7_000).queues[0]!.depth).toBe(10);
  });

  it('stops between two chunks once its signal is aborted', async () => {
    const { store } = stores.fresh({ expiryChunk: 4, minFreeDiskBytes: 0 });
    for (let index = 0; index < 20; index += 1) await store.messages.append(message(`short ${index}`, 1_000), [upstream(5)]);
    const controller = new AbortController();
    const removals: number[] = [];
    store.messages.onExpired((count) => {
      removals.push(count);
      controller.abort();
    });
    const removed = await store.messages.removeExpired(10_000, { signal: controller.signal });
    expect(removed).toBe(4);
    expect(removals).toEqual([4]);
    expect(await store.messages.removeExpired(10_000)).toBe(16);
  });
});
