// The hub's message store on real lmdb files: what an append commits, the order and priorities of
// queues, TTL on read and by cleanup, acknowledgement and checkpoints, one stored copy per message
// shared by its queues, a full store refusing and then recovering, and all of it across a reopen.
import { afterAll, describe, expect, it } from 'vitest';
import { StoreWriteError } from '../../../src/runtime/store/hub-store.js';
import { eventually, message, ScratchHubStores, texts, upstream } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

const UP = '$upstream';
const LOW = 2_000_000_000;
const input = (ttlSeconds = -1, priority = LOW) => ({
  endpoint: '/modules/filter/inputs/in',
  priority,
  ttlSeconds,
});

describe('append and read', () => {
  it('keeps appends in call order, in one commit when they come together', async () => {
    const { store } = stores.fresh();
    const bodies = Array.from({ length: 200 }, (_, index) => `m${index}`);
    await Promise.all(bodies.map((body) => store.messages.append(message(body), [upstream()])));
    expect(texts(store, UP, LOW)).toEqual(bodies);
    const { commits, writes } = store.commitStats();
    expect(writes).toBe(200);
    expect(commits).toBeLessThan(10);
    const offsets = store.messages.read(UP, LOW, 0, 1000, 1_000_000).map((entry) => entry.offset);
    expect(offsets).toEqual(bodies.map((_, index) => index + 1));
  });

  it('reads after an offset, at most `limit`, with the message as it was appended', async () => {
    const { store } = stores.fresh();
    const sent = {
      ...message('payload', 5_000, 'child'),
      outputName: 'out1',
      systemProperties: {
        'message-id': 'id-1',
        'content-type': 'application/json',
      },
    };
    sent.source = { deviceId: 'edge', moduleId: 'filter' };
    sent.body = Buffer.from([0, 1, 2, 255]);
    await store.messages.append(sent, [upstream(60)]);
    for (const body of ['a', 'b', 'c']) await store.messages.append(message(body), [upstream()]);
    const [first] = store.messages.read(UP, LOW, 0, 1, 6_000);
    expect(first).toEqual({
      endpoint: UP,
      priority: LOW,
      offset: 1,
      message: sent,
      expiresAtMs: 65_000,
    });
    expect(Buffer.isBuffer(first!.message.body)).toBe(true);
    expect(store.messages.read(UP, LOW, 3, 1, 6_000).map((entry) => entry.message.body.toString())).toEqual(['c']);
    expect(store.messages.read(UP, LOW, 4, 10, 6_000)).toEqual([]);
    expect(store.messages.read(UP, LOW, 0, 10, 6_000)[1]!.expiresAtMs).toBe(Infinity);
  });

  it('returns bodies that stay intact after later reads', async () => {
    const { store } = stores.fresh();
    await store.messages.append(message('first body'), [upstream()]);
    await store.messages.append(message('second body, longer'), [upstream()]);
    const first = store.messages.read(UP, LOW, 0, 1, 0)[0]!.message.body;
    store.messages.read(UP, LOW, 1, 1, 0);
    expect(first.toString()).toBe('first body');
  });

  it('keeps one queue per endpoint and priority, highest priority first', async () => {
    const { store } = stores.fresh();
    await store.messages.append(message('low'), [upstream(-1, LOW)]);
    await store.messages.append(message('high'), [upstream(-1, 0)]);
    await store.messages.append(message('mid'), [upstream(-1, 5), input()]);
    expect(store.messages.priorities(UP)).toEqual([0, 5, LOW]);
    expect(store.messages.priorities('/modules/filter/inputs/in')).toEqual([LOW]);
    expect(store.messages.priorities('/modules/none/inputs/x')).toEqual([]);
    expect(store.messages.endpoints()).toEqual(['$upstream', '/modules/filter/inputs/in']);
    expect(texts(store, UP, 0)).toEqual(['high']);
    expect(texts(store, UP, 5)).toEqual(['mid']);
    expect(texts(store, '/modules/filter/inputs/in', LOW)).toEqual(['mid']);
    // Each queue counts its own offsets.
    expect(store.messages.read(UP, 5, 0, 1, 0)[0]!.offset).toBe(1);
  });

  it('stores a message once per queue when two targets name the same queue, with the longer TTL', async () => {
    const { store } = stores.fresh();
    await store.messages.append(message('twice', 0), [upstream(10), upstream(-1), upstream(20)]);
    const entries = store.messages.read(UP, LOW, 0, 10, 0);
    expect(entries.map((entry) => entry.expiresAtMs)).toEqual([Infinity]);
    expect(store.messages.status(0).messages).toBe(1);
  });

  it('stores nothing for a message without targets', async () => {
    const { store } = stores.fresh();
    await store.messages.append(message('nowhere'), []);
    expect(store.messages.status(0)).toEqual({
      queues: [],
      messages: 0,
      bytes: 0,
    });
  });

  it('tells onAppend listeners after the commit, when a read sees the entries', async () => {
    const { store } = stores.fresh();
    const seen: string[][] = [];
    const stop = store.messages.onAppend((endpoints) => seen.push([...endpoints, ...texts(store, UP, LOW)]));
    await Promise.all([store.messages.append(message('a'), [upstream()]), store.messages.append(message('b'), [upstream(), input()])]);
    expect(seen).toEqual([['$upstream', '/modules/filter/inputs/in', 'a', 'b']]);
    stop();
    await store.messages.append(message('c'), [upstream()]);
    expect(seen).toHaveLength(1);
  });
});

describe('acknowledge', () => {
  it('removes delivered entries and advances the checkpoint only past everything delivered', async () => {
    const { store } = stores.fresh();
    for (const body of ['1', '2', '3', '4', '5']) await store.messages.append(message(body), [upstream()]);
    await store.messages.acknowledge(UP, LOW, [2, 3]);
    expect(store.messages.status(0).queues[0]).toMatchObject({
      depth: 3,
      checkpoint: 0,
    });
    await store.messages.acknowledge(UP, LOW, [1]);
    expect(store.messages.status(0).queues[0]).toMatchObject({
      depth: 2,
      checkpoint: 3,
    });
    expect(texts(store, UP, LOW)).toEqual(['4', '5']);
    await store.messages.acknowledge(UP, LOW, [5, 4, 4, 99]);
    expect(store.messages.status(0).queues[0]).toMatchObject({
      depth: 0,
      checkpoint: 5,
    });
    expect(store.messages.priorities(UP)).toEqual([]);
    expect(store.messages.endpoints()).toEqual([]);
    // Offsets keep growing after the queue emptied.
    await store.messages.append(message('6'), [upstream()]);
    expect(store.messages.read(UP, LOW, 0, 1, 0)[0]!.offset).toBe(6);
  });

  it('ignores offsets of a queue that never had an entry', async () => {
    const { store } = stores.fresh();
    await store.messages.acknowledge('/modules/none/inputs/x', 0, [1, 2]);
    await store.messages.acknowledge(UP, LOW, []);
    expect(store.messages.status(0).queues).toEqual([]);
  });

  it('deletes a message only when no queue refers to it any more', async () => {
    const { store } = stores.fresh();
    await store.messages.append(message('shared'), [upstream(), input()]);
    await store.messages.append(message('alone'), [upstream()]);
    expect(store.messages.status(0)).toMatchObject({ messages: 2, bytes: 23 });
    await store.messages.acknowledge(UP, LOW, [1]);
    expect(store.messages.status(0)).toMatchObject({ messages: 2 });
    expect(texts(store, '/modules/filter/inputs/in', LOW)).toEqual(['shared']);
    await store.messages.acknowledge('/modules/filter/inputs/in', LOW, [1]);
    expect(store.messages.status(0)).toMatchObject({ messages: 1, bytes: 11 });
    await store.messages.acknowledge(UP, LOW, [2]);
    expect(store.messages.status(0)).toMatchObject({ messages: 0, bytes: 0 });
  });
});

describe('TTL', () => {
  it('skips expired entries on read, removes them and counts them once', async () => {
    const { store } = stores.fresh();
    const expired: number[] = [];
    store.messages.onExpired((count) => expired.push(count));
    await store.messages.append(message('short', 1_000), [upstream(5)]);
    await store.messages.append(message('forever', 1_000), [upstream(-1)]);
    await store.messages.append(message('long', 1_000), [upstream(60)]);
    // Expired when now - enqueued >= ttl (docs/FACTS.md §3).
    expect(texts(store, UP, LOW, 5_999)).toEqual(['short', 'forever', 'long']);
    expect(texts(store, UP, LOW, 6_000)).toEqual(['forever', 'long']);
    expect(texts(store, UP, LOW, 6_000)).toEqual(['forever', 'long']);
    await eventually(() => expired.length > 0, 'the expired entry removed');
    expect(expired).toEqual([1]);
    expect(store.messages.status(6_000)).toMatchObject({
      messages: 2,
      queues: [{ depth: 2, checkpoint: 1 }],
    });
    expect(texts(store, UP, LOW, 1_000_000_000)).toEqual(['forever']);
  });

  it('removeExpired deletes expired entries and their messages in small transactions', async () => {
    const { store } = stores.fresh({ expiryChunk: 7 });
    const expired: number[] = [];
    store.messages.onExpired((count) => expired.push(count));
    const appends = [];
    for (let index = 0; index < 50; index += 1) appends.push(store.messages.append(message(`e${index}`, 1_000), [upstream(1), input(2)]));
    appends.push(store.messages.append(message('kept', 1_000), [upstream(100), input()]));
    await Promise.all(appends);
    expect(await store.messages.removeExpired(2_000)).toBe(50);
    expect(store.messages.status(2_000)).toMatchObject({ messages: 51 });
    expect(await store.messages.removeExpired(3_000)).toBe(50);
    expect(await store.messages.removeExpired(3_000)).toBe(0);
    expect(expired.reduce((sum, count) => sum + count, 0)).toBe(100);
    expect(expired.every((count) => count <= 7)).toBe(true);
    const status = store.messages.status(3_000);
    expect(status.messages).toBe(1);
    expect(status.queues).toEqual([
      {
        endpoint: '$upstream',
        priority: LOW,
        depth: 1,
        checkpoint: 50,
        oldestEnqueuedAtMs: 1_000,
      },
      {
        endpoint: '/modules/filter/inputs/in',
        priority: LOW,
        depth: 1,
        checkpoint: 50,
        oldestEnqueuedAtMs: 1_000,
      },
    ]);
    expect(texts(store, UP, LOW, 3_000)).toEqual(['kept']);
  });

  it('lets appends through while a large cleanup runs', async () => {
    const { store } = stores.fresh({ expiryChunk: 100 });
    await Promise.all(Array.from({ length: 2_000 }, (_, index) => store.messages.append(message(`old${index}`, 0), [upstream(1)])));
    const cleanup = store.messages.removeExpired(10_000);
    let cleanupDone = false;
    void cleanup.then(() => (cleanupDone = true));
    await store.messages.append(message('new', 10_000), [upstream(-1)]);
    expect(cleanupDone).toBe(false);
    expect(await cleanup).toBe(2_000);
    expect(texts(store, UP, LOW, 10_000)).toEqual(['new']);
  });
});

describe('a full store', () => {
  it('refuses appends with StoreWriteError, keeps what it has, and accepts again once space is freed', async () => {
    const { store } = stores.fresh({ mapSizeBytes: 10_000 });
    const body = 'x'.repeat(990);
    let accepted = 0;
    let refusal: unknown;
    for (let index = 0; index < 20 && refusal === undefined; index += 1) {
      await store.messages.append(message(body), [upstream()]).then(
        () => (accepted += 1),
        (error: unknown) => (refusal = error),
      );
    }
    expect(accepted).toBe(10);
    expect(refusal).toBeInstanceOf(StoreWriteError);
    expect(refusal).toMatchObject({ code: 'store-full' });
    expect((refusal as Error).message).toMatch(/store full/);
    expect(store.messages.status(0).messages).toBe(10);
    await store.messages.acknowledge(UP, LOW, [1, 2]);
    await store.messages.append(message(body), [upstream()]);
    expect(store.messages.status(0).messages).toBe(9);
    expect(texts(store, UP, LOW)).toHaveLength(9);
  });

  it('refuses only the appends that do not fit, and commits the others of the same batch', async () => {
    const { store } = stores.fresh({ mapSizeBytes: 3_000 });
    const results = await Promise.allSettled([
      store.messages.append(message('a'.repeat(1_400)), [upstream()]),
      store.messages.append(message('b'.repeat(1_400)), [upstream()]),
      store.messages.append(message('c'.repeat(1_400)), [upstream()]),
      store.messages.append(message('d'), [upstream()]),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(texts(store, UP, LOW).map((text) => text[0])).toEqual(['a', 'b', 'd']);
    expect(store.messages.read(UP, LOW, 0, 10, 0).map((entry) => entry.offset)).toEqual([1, 2, 3]);
    const again = await stores.reopen(store);
    expect(again.messages.status(0)).toMatchObject({
      messages: 3,
      queues: [{ depth: 3 }],
    });
  });
});

describe('across a reopen', () => {
  it('keeps messages, queues, checkpoints, offsets and totals', async () => {
    const { store } = stores.fresh();
    for (const body of ['1', '2', '3']) await store.messages.append(message(body, 7_000), [upstream(), input(-1, 3)]);
    await store.messages.acknowledge(UP, LOW, [1]);
    const before = store.messages.status(0);
    const again = await stores.reopen(store);
    expect(again.messages.status(0)).toEqual(before);
    expect(texts(again, UP, LOW)).toEqual(['2', '3']);
    expect(texts(again, '/modules/filter/inputs/in', 3)).toEqual(['1', '2', '3']);
    await again.messages.append(message('4'), [upstream()]);
    expect(again.messages.read(UP, LOW, 3, 1, 0)[0]).toMatchObject({
      offset: 4,
      message: { body: Buffer.from('4') },
    });
  });

  it('keeps records, and replaceAll swaps a whole table at once', async () => {
    const { store } = stores.fresh();
    await store.identities.put('edge/a', { keys: ['k1'] });
    await store.identities.put('edge/b', {
      keys: ['k2'],
      bytes: Buffer.from([1, 2]),
    });
    await store.settings.put('synced', true);
    await store.twins.put('edge', { reported: { $version: 3 } });
    await store.identities.remove('edge/a');
    let again = await stores.reopen(store);
    expect(again.identities.entries()).toEqual([['edge/b', { keys: ['k2'], bytes: Buffer.from([1, 2]) }]]);
    expect(again.settings.get('synced')).toBe(true);
    expect(again.twins.get('edge')).toEqual({ reported: { $version: 3 } });
    await again.identities.replaceAll([
      ['edge/c', 1],
      ['edge/d', 2],
    ]);
    again = await stores.reopen(again);
    expect(again.identities.entries()).toEqual([
      ['edge/c', 1],
      ['edge/d', 2],
    ]);
    expect(again.settings.entries()).toEqual([['synced', true]]);
  });
});

describe('close', () => {
  it('waits for the writes in flight and refuses later ones', async () => {
    const { store } = stores.fresh();
    const appends = Array.from({ length: 100 }, (_, index) => store.messages.append(message(`m${index}`), [upstream()]));
    await store.close();
    await Promise.all(appends);
    await expect(store.messages.append(message('late'), [upstream()])).rejects.toMatchObject({ code: 'store-closed' });
    await expect(store.settings.put('late', 1)).rejects.toBeInstanceOf(StoreWriteError);
    const again = stores.open(store.path);
    expect(texts(again, UP, LOW)).toHaveLength(100);
  });
});
