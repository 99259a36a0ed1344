// The store's on-disk layout is versioned: a store written by layout 1 (every message in
// `messages` with a count in `refs`, entries pointing at it, an expiry index) is migrated at open
// and keeps every queued message, in order, with its TTL, even when an earlier migration stopped
// half-way; a layout this edgewise does not know is refused with StoreOpenError and left as it is.
import { join } from 'node:path';
import { open, type RootDatabase } from 'lmdb';
import { afterAll, describe, expect, it } from 'vitest';
import { openHubStore, StoreOpenError } from '../../../src/runtime/store/hub-store.js';
import { ScratchHubStores, texts, upstream } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

const UP = '$upstream';
const INPUT = '/modules/filter/inputs/in';
const LOW = 2_000_000_000;
const NOW = 1_000_000;

/** One message of a layout-1 store: its queues, enqueue time, and expiry (null: infinite). */
interface Layout1Message {
  text: string;
  queues: string[];
  enqueuedAtMs: number;
  expiresAtMs: number | null;
}

function openRaw(folder: string): RootDatabase {
  return open({ path: folder, maxDbs: 12 });
}

const named = (root: RootDatabase, name: string) => root.openDB<unknown, import('lmdb').Key>({ name, encoding: 'msgpack', sharedStructuresKey: undefined });

/**
 * Writes a store as layout 1 wrote it: messages[seq] = [deviceId, moduleId, outputName, properties,
 * systemProperties, body, enqueuedAtMs]; refs[seq] = [entries, size]; entries[[endpoint, priority,
 * offset]] = [seq, enqueuedAtMs, expiresAtMs]; expiry[[expiresAtMs, endpoint, priority, offset]] =
 * seq; queues[[endpoint, priority]] = {checkpoint, lastOffset, depth}; meta: layout 1, totals.
 * `migrated` entries are written as an interrupted migration left them (moved to layout 2's table).
 */
async function writeLayout1(folder: string, messages: Layout1Message[], migrated = 0): Promise<void> {
  const root = openRaw(folder);
  const db = (name: string) => named(root, name);
  const [meta, messagesDb, refs, entries, expiry, queues, moved] = ['meta', 'messages', 'refs', 'entries', 'expiry', 'queues', 'queue-entries'].map(db);
  root.transactionSync(() => {
    const lastOffset = new Map<string, number>();
    let bytes = 0;
    let entryCount = 0;
    messages.forEach((message, index) => {
      const sequence = index + 1;
      messagesDb!.putSync(sequence, ['sensor', null, null, { n: String(sequence) }, {}, Buffer.from(message.text), message.enqueuedAtMs]);
      const size = message.text.length + 'sensor'.length + 1 + String(sequence).length;
      bytes += size;
      refs!.putSync(sequence, [message.queues.length, size]);
      for (const endpoint of message.queues) {
        const offset = (lastOffset.get(endpoint) ?? 0) + 1;
        lastOffset.set(endpoint, offset);
        if (entryCount++ < migrated) {
          moved!.putSync([endpoint, LOW, offset], [message.enqueuedAtMs, message.expiresAtMs, sequence]);
        } else {
          entries!.putSync([endpoint, LOW, offset], [sequence, message.enqueuedAtMs, message.expiresAtMs]);
          if (message.expiresAtMs !== null) expiry!.putSync([message.expiresAtMs, endpoint, LOW, offset], sequence);
        }
      }
    });
    for (const [endpoint, offset] of lastOffset) queues!.putSync([endpoint, LOW], { checkpoint: 0, lastOffset: offset, depth: offset });
    meta!.putSync('totals', { messages: messages.length, bytes, lastSequence: messages.length });
    meta!.putSync('layout', 1);
  });
  await root.close();
}

async function layoutOf(folder: string): Promise<{ layout: unknown; names: string[] }> {
  const root = openRaw(folder);
  try {
    return { layout: named(root, 'meta').get('layout'), names: [...root.getKeys()].map(String) };
  } finally {
    await root.close();
  }
}

describe('a layout-1 store', () => {
  it('is migrated at open: every queued message stays, in order, with its TTL and shared messages counted once', async () => {
    const folder = join(stores.folder(), 'storage');
    await writeLayout1(folder, [
      { text: 'alone', queues: [UP], enqueuedAtMs: NOW, expiresAtMs: null },
      { text: 'shared', queues: [UP, INPUT], enqueuedAtMs: NOW, expiresAtMs: NOW + 60_000 },
      { text: 'expired', queues: [UP], enqueuedAtMs: NOW - 10_000, expiresAtMs: NOW - 1 },
      { text: 'last', queues: [UP], enqueuedAtMs: NOW, expiresAtMs: NOW + 5_000 },
    ]);
    const store = stores.open(folder);
    expect(texts(store, INPUT, LOW, NOW)).toEqual(['shared']);
    expect(store.messages.status(NOW).messages).toBe(4);
    // The read skips the expired entry and removes it (behind a live head, the cleanup would not reach it).
    expect(texts(store, UP, LOW, NOW)).toEqual(['alone', 'shared', 'last']);
    // The shared message goes when both of its entries are acknowledged.
    await store.messages.acknowledge(UP, LOW, [1, 2]);
    expect(store.messages.status(NOW).messages).toBe(2);
    await store.messages.acknowledge(INPUT, LOW, [1]);
    expect(store.messages.status(NOW).messages).toBe(1);
    expect(await store.messages.removeExpired(NOW + 4_999)).toBe(0);
    expect(await store.messages.removeExpired(NOW + 5_000)).toBe(1);
    expect(store.messages.status(NOW + 5_000)).toMatchObject({ messages: 0, bytes: 0 });
    // New messages continue the queue's offsets.
    await store.messages.append({ source: { deviceId: 'sensor' }, properties: {}, systemProperties: {}, body: Buffer.from('new'), enqueuedAtMs: NOW }, [upstream()]);
    expect(store.messages.read(UP, LOW, 0, 10, NOW).map((entry) => entry.offset)).toEqual([5]);
    await store.close();
    const { layout, names } = await layoutOf(folder);
    expect(layout).toBe(2);
    expect(names).not.toContain('entries');
    expect(names).not.toContain('expiry');
  });

  it('finishes a migration that stopped half-way, over more entries than one migration transaction moves', async () => {
    const folder = join(stores.folder(), 'storage');
    const count = 12_345;
    await writeLayout1(
      folder,
      Array.from({ length: count }, (_, index) => ({ text: `m${index}`, queues: [UP], enqueuedAtMs: NOW, expiresAtMs: null })),
      1_000,
    );
    const store = stores.open(folder);
    const read = texts(store, UP, LOW, NOW);
    expect(read).toHaveLength(count);
    expect(read.every((text, index) => text === `m${index}`)).toBe(true);
    expect(store.messages.status(NOW).queues).toEqual([{ endpoint: UP, priority: LOW, depth: count, checkpoint: 0, oldestEnqueuedAtMs: NOW }]);
  });
});

describe('a store of an unknown layout', () => {
  it('is refused with StoreOpenError naming the layout, and left as it is', async () => {
    const folder = join(stores.folder(), 'storage');
    await writeLayout1(folder, [{ text: 'kept', queues: [UP], enqueuedAtMs: NOW, expiresAtMs: null }]);
    const root = openRaw(folder);
    named(root, 'meta').putSync('layout', 99);
    await root.close();
    let refusal: unknown;
    try {
      openHubStore(folder);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StoreOpenError);
    expect((refusal as Error).message).toMatch(/layout version is 99, this edgewise reads 2 \(a newer edgewise wrote it/);
    expect((refusal as Error).message).toContain(folder);
    const { layout, names } = await layoutOf(folder);
    expect(layout).toBe(99);
    expect(names).toContain('entries');
  });
});
