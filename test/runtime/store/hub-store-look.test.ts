// lookThrough, the read-only look a wait on a mark takes (the resync's messages step): it starts
// after where the last look stopped (or the queue's checkpoint), reads at most `limit` entries,
// stops at the first live entry whose source it waits for, and says how far nothing is left.
import { afterAll, describe, expect, it } from 'vitest';
import { message, ScratchHubStores, upstream } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

const QUEUE = ['$upstream', 2_000_000_000] as const;
const NOW = 10_000;

describe('lookThrough', () => {
  it('passes expired entries up to its limit, stops at the first live one, and resumes where it stopped', async () => {
    const { store } = stores.fresh({ minFreeDiskBytes: 0 });
    // Offsets 1..5 expired at NOW, 6 live, 7 expired, 8 live.
    for (let index = 1; index <= 5; index += 1) await store.messages.append(message(`old ${index}`, 1_000), [upstream(5)]);
    await store.messages.append(message('live 6', 1_000), [upstream(-1)]);
    await store.messages.append(message('old 7', 1_000), [upstream(5)]);
    await store.messages.append(message('live 8', 1_000), [upstream(-1)]);
    const look = (after: number, limit: number) => store.messages.lookThrough(...QUEUE, after, 8, NOW, { limit });

    expect(look(0, 3)).toEqual({ clearThrough: 3, looked: 3 });
    expect(look(3, 10)).toEqual({ clearThrough: 5, liveAt: 6, looked: 3 });
    expect(look(6, 10)).toEqual({ clearThrough: 7, liveAt: 8, looked: 2 });
    expect(look(8, 10)).toEqual({ clearThrough: 8, looked: 0 });
    // Nothing is removed or counted by a look.
    expect(store.messages.status(NOW).queues[0]!.depth).toBe(8);
  });

  it('ends at the mark, starts after the checkpoint, and skips the live entries of sources it does not wait for', async () => {
    const { store } = stores.fresh({ minFreeDiskBytes: 0 });
    await store.messages.append(message('delivered', 1_000), [upstream(-1)]);
    await store.messages.append(message('refused', 1_000, 'disabled'), [upstream(-1)]);
    // Shared by two queues: the entry refers to the message stored once.
    await store.messages.append(message('shared refused', 1_000, 'disabled'), [upstream(-1), upstream(-1, 0)]);
    await store.messages.append(message('waited for', 1_000), [upstream(-1)]);
    await store.messages.append(message('after the mark', 1_000), [upstream(-1)]);
    await store.messages.acknowledge(...QUEUE, [1]);
    const holds = (source: { deviceId: string }) => source.deviceId !== 'disabled';

    expect(store.messages.lookThrough(...QUEUE, 0, 4, NOW, { limit: 10 })).toEqual({ clearThrough: 1, liveAt: 2, looked: 1 });
    expect(store.messages.lookThrough(...QUEUE, 0, 4, NOW, { limit: 10, holds })).toEqual({ clearThrough: 3, liveAt: 4, looked: 3 });
    expect(store.messages.lookThrough(...QUEUE, 4, 4, NOW, { limit: 10, holds })).toEqual({ clearThrough: 4, looked: 0 });
    expect(store.messages.lookThrough('$upstream', 7, 0, 4, NOW, { limit: 10 })).toEqual({ clearThrough: 4, looked: 0 });
  });
});
