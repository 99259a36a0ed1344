// Store-and-forward queues as edgeHub keeps them (docs/FACTS.md §3): each message stored once with a
// count of the queue entries that refer to it; one queue per (endpoint, priority) with increasing
// offsets and a persisted checkpoint; expiry checked on read and cleaned up through an index by
// expiry time. Reads are synchronous lmdb reads; every write goes through the group commit and
// resolves only once committed.
import type { GroupCommit } from './hub-store-commit.js';
import type { DiskGuard } from './hub-store-disk-guard.js';
import { StoreWriteError } from './hub-store-errors.js';
import { MAX_OFFSET, messageOf, messageRecord, messageSize, type EntryKey, type StoreDatabases, type StoreMessage } from './hub-store-layout.js';
import { QueueBook, type StagedState } from './hub-store-queues.js';

export type { StoreIdentity, StoreMessage } from './hub-store-layout.js';

/** Where routing sends a message (structurally the hub's QueueTarget). */
export interface StoreTarget {
  endpoint: string;
  /** 0 is the highest. */
  priority: number;
  /** Negative is infinite. */
  ttlSeconds: number;
}

export interface QueueStatus {
  endpoint: string;
  priority: number;
  depth: number;
  oldestEnqueuedAtMs?: number;
  /** Every offset up to this one is delivered or expired; reading after it resumes delivery. */
  checkpoint: number;
}

export interface StoredEntry {
  endpoint: string;
  priority: number;
  offset: number;
  message: StoreMessage;
  /** Infinity when the TTL is infinite. */
  expiresAtMs: number;
}

export interface MessageStore {
  /**
   * Stores the message once and one queue entry per target, in one commit; resolves only after the
   * commit (durable against a process kill; with sync also flushed to disk). Rejects with
   * StoreWriteError (disk full, store full, I/O): the caller refuses the publish. Appends commit in
   * call order, many in one transaction. A message without targets is not stored.
   */
  append(message: StoreMessage, targets: readonly StoreTarget[]): Promise<void>;
  /**
   * Up to `limit` live entries of one queue with offset > afterOffset, in offset order; expired
   * entries are skipped, removed and counted (onExpired). A read skips at most `expiryChunk` expired
   * entries and then returns what it found, possibly fewer than are live: once those are removed,
   * onAppend names the endpoint so that its readers read again.
   */
  read(endpoint: string, priority: number, afterOffset: number, limit: number, nowMs: number): StoredEntry[];
  /** The priorities that have entries for this endpoint, highest first (lowest number). */
  priorities(endpoint: string): number[];
  /** The endpoints that have entries. */
  endpoints(): string[];
  /** Removes delivered entries, advances the queue's checkpoint, deletes messages no entry refers to; resolves after commit. */
  acknowledge(endpoint: string, priority: number, offsets: readonly number[]): Promise<void>;
  /** Deletes expired entries (and their unreferenced messages) in small transactions between appends; resolves with the number removed. */
  removeExpired(nowMs: number): Promise<number>;
  status(nowMs: number): {
    queues: QueueStatus[];
    messages: number;
    bytes: number;
  };
  /** After a commit that added entries: the endpoints that got them; also after a read cut short by expired entries removed them (read again). */
  onAppend(listener: (endpoints: readonly string[]) => void): () => void;
  onExpired(listener: (count: number) => void): () => void;
}

export interface MessageStoreOptions {
  /** Refuse appends once the stored messages would exceed this many bytes (messageSize); none when undefined. */
  maxStoredBytes?: number;
  /** Expired entries removed per transaction (by removeExpired, and by a read, which skips at most this many). */
  expiryChunk?: number;
  /** Says when the disk is too full for new messages (hub-store-disk-guard.ts). */
  diskGuard?: DiskGuard;
}

/** Why entries leave a queue: acknowledged by the endpoint, or expired (counted for onExpired). */
type Removal = 'delivered' | 'expired';

export function createMessageStore(store: string, dbs: StoreDatabases, commits: GroupCommit, options: MessageStoreOptions = {}): MessageStore {
  const book = QueueBook.load(dbs);
  const appendListeners = new Set<(endpoints: readonly string[]) => void>();
  const expiredListeners = new Set<(count: number) => void>();
  /** Expired entries a read found whose removal is not committed yet: read again, they are not counted twice. */
  const expiring = new Set<string>();
  const expiryChunk = options.expiryChunk ?? 500;

  const emitAppended = (endpoints: readonly string[]) => {
    for (const listener of appendListeners) listener(endpoints);
  };
  const emitExpired = (count: number) => {
    if (count > 0) for (const listener of expiredListeners) listener(count);
  };

  /** Removes one entry inside a write; false when it is already gone. */
  function removeEntry(staged: StagedState, key: EntryKey): boolean {
    const value = dbs.entries.get(key);
    if (value === undefined) return false;
    const [sequence, , expiresAtMs] = value;
    dbs.entries.removeSync(key);
    if (expiresAtMs !== null) dbs.expiry.removeSync([expiresAtMs, key[0], key[1], key[2]]);
    const ref = dbs.refs.get(sequence);
    if (ref !== undefined && ref[0] > 1) {
      dbs.refs.putSync(sequence, [ref[0] - 1, ref[1]]);
    } else {
      dbs.messages.removeSync(sequence);
      dbs.refs.removeSync(sequence);
      staged.totals.messages -= 1;
      staged.totals.bytes -= ref?.[1] ?? 0;
    }
    staged.queue(key[0], key[1]).depth -= 1;
    return true;
  }

  /** The checkpoint after removals: just below the first entry left, else the last offset given. */
  function advanceCheckpoint(staged: StagedState, endpoint: string, priority: number): void {
    const queue = staged.queue(endpoint, priority);
    const first = dbs.entries.getKeys({
      start: [endpoint, priority, queue.checkpoint + 1],
      end: [endpoint, priority, MAX_OFFSET],
      limit: 1,
    });
    let next = queue.lastOffset;
    for (const key of first) next = key[2] - 1;
    queue.checkpoint = Math.max(queue.checkpoint, next);
  }

  /** Removes entries of one queue in one write; counts expired ones after the commit, and then wakes the readers when asked. */
  function removeEntries(endpoint: string, priority: number, offsets: readonly number[], why: Removal, wake = false): Promise<number> {
    return commits.submit((batch) => {
      const staged = book.stage(batch);
      // Nothing to do (and no queue record to make) for a queue that never had an entry.
      if (!staged.knows(endpoint, priority)) return 0;
      let removed = 0;
      for (const offset of offsets) if (removeEntry(staged, [endpoint, priority, offset])) removed += 1;
      advanceCheckpoint(staged, endpoint, priority);
      staged.write();
      if (why === 'expired') batch.afterCommit(() => emitExpired(removed));
      if (wake) batch.afterCommit(() => emitAppended([endpoint]));
      return removed;
    });
  }

  /** One transaction of the cleanup: the expired entries found first in the expiry index. */
  function expiredChunk(nowMs: number): Promise<{ removed: number; scanned: number }> {
    return commits.submit((batch) => {
      const staged = book.stage(batch);
      const touched = new Map<string, [string, number]>();
      let removed = 0;
      let scanned = 0;
      for (const key of dbs.expiry.getKeys({ limit: expiryChunk })) {
        if (key[0] > nowMs) break;
        scanned += 1;
        if (removeEntry(staged, [key[1], key[2], key[3]])) removed += 1;
        else dbs.expiry.removeSync(key);
        touched.set(`${key[1]}\u0000${key[2]}`, [key[1], key[2]]);
      }
      for (const [endpoint, priority] of touched.values()) advanceCheckpoint(staged, endpoint, priority);
      staged.write();
      batch.afterCommit(() => emitExpired(removed));
      return { removed, scanned };
    });
  }

  return {
    append(message, targets) {
      const unique = uniqueTargets(targets);
      if (unique.length === 0) return Promise.resolve();
      const size = messageSize(message);
      const record = messageRecord(message);
      return commits.submit((batch) => {
        const staged = book.stage(batch);
        if (options.maxStoredBytes !== undefined && staged.totals.bytes + size > options.maxStoredBytes) {
          throw new StoreWriteError(
            `store full: ${staged.totals.bytes} bytes of messages are stored and the limit is ${options.maxStoredBytes}; the hub accepts messages again once queued ones are delivered or expire`,
            'store-full',
          );
        }
        const free = options.diskGuard?.shortOfSpace(staged.totals.bytes);
        if (free !== undefined) {
          throw new StoreWriteError(
            `disk full: ${megabytes(free)} free, under the margin the hub store in ${store} keeps so that deliveries can free space; free disk space and the hub accepts messages again by itself`,
            'disk-full',
          );
        }
        const sequence = staged.totals.lastSequence + 1;
        dbs.messages.putSync(sequence, record);
        dbs.refs.putSync(sequence, [unique.length, size]);
        for (const target of unique) {
          const queue = staged.queue(target.endpoint, target.priority);
          const offset = queue.lastOffset + 1;
          const expiresAtMs = target.ttlSeconds < 0 ? null : message.enqueuedAtMs + target.ttlSeconds * 1000;
          dbs.entries.putSync([target.endpoint, target.priority, offset], [sequence, message.enqueuedAtMs, expiresAtMs]);
          if (expiresAtMs !== null) dbs.expiry.putSync([expiresAtMs, target.endpoint, target.priority, offset], sequence);
          queue.lastOffset = offset;
          queue.depth += 1;
        }
        staged.totals.lastSequence = sequence;
        staged.totals.messages += 1;
        staged.totals.bytes += size;
        staged.appended(
          unique.map((target) => target.endpoint),
          emitAppended,
        );
        staged.write();
      });
    },

    read(endpoint, priority, afterOffset, limit, nowMs) {
      const live: StoredEntry[] = [];
      const expired: number[] = [];
      let skipped = 0;
      if (limit <= 0) return live;
      for (const { key, value } of dbs.entries.getRange({
        start: [endpoint, priority, afterOffset + 1],
        end: [endpoint, priority, MAX_OFFSET],
      })) {
        const offset = key[2];
        const expiresAtMs = value[2] ?? Infinity;
        if (nowMs >= expiresAtMs) {
          const id = `${endpoint}\u0000${priority}\u0000${offset}`;
          if (!expiring.has(id)) {
            expiring.add(id);
            expired.push(offset);
          }
          skipped += 1;
          if (skipped >= expiryChunk) break;
          continue;
        }
        const record = dbs.messages.get(value[0]);
        if (record === undefined) continue;
        live.push({
          endpoint,
          priority,
          offset,
          message: messageOf(record),
          expiresAtMs,
        });
        if (live.length >= limit) break;
      }
      // A read stopped by a run of expired entries (bounded so that a long run neither stalls the
      // event loop nor makes one huge write) may return fewer entries than are live: once the run is
      // removed, the readers are woken as after an append, and read on from where they were.
      const cutShort = skipped >= expiryChunk;
      if (expired.length > 0 || cutShort) {
        const forget = () => {
          for (const offset of expired) expiring.delete(`${endpoint}\u0000${priority}\u0000${offset}`);
        };
        // The cleanup retries what a failed removal leaves; a read never fails because of it.
        removeEntries(endpoint, priority, expired, 'expired', cutShort).then(forget, forget);
      }
      return live;
    },

    priorities: (endpoint) => book.priorities(endpoint),
    endpoints: () => book.endpoints(),

    async acknowledge(endpoint, priority, offsets) {
      if (offsets.length === 0) return;
      await removeEntries(endpoint, priority, offsets, 'delivered');
    },

    async removeExpired(nowMs) {
      let total = 0;
      for (;;) {
        const { removed, scanned } = await expiredChunk(nowMs);
        total += removed;
        if (scanned < expiryChunk) return total;
      }
    },

    // The oldest entry is the queue's first one, expired or not: the cleanup removes those soon.
    status(_nowMs) {
      const queues = book.all().map((queue): QueueStatus => {
        const status: QueueStatus = {
          endpoint: queue.endpoint,
          priority: queue.priority,
          depth: queue.depth,
          checkpoint: queue.checkpoint,
        };
        for (const { value } of dbs.entries.getRange({
          start: [queue.endpoint, queue.priority, queue.checkpoint + 1],
          end: [queue.endpoint, queue.priority, MAX_OFFSET],
          limit: 1,
        })) {
          status.oldestEnqueuedAtMs = value[1];
        }
        return status;
      });
      const totals = book.totals();
      return { queues, messages: totals.messages, bytes: totals.bytes };
    },

    onAppend(listener) {
      appendListeners.add(listener);
      return () => appendListeners.delete(listener);
    },
    onExpired(listener) {
      expiredListeners.add(listener);
      return () => expiredListeners.delete(listener);
    },
  };
}

/** One entry per (endpoint, priority): two routes to the same queue store the message once there, with the longer TTL. */
function uniqueTargets(targets: readonly StoreTarget[]): StoreTarget[] {
  const byQueue = new Map<string, StoreTarget>();
  for (const target of targets) {
    const id = `${target.endpoint}\u0000${target.priority}`;
    const known = byQueue.get(id);
    if (known === undefined || longerTtl(target.ttlSeconds, known.ttlSeconds)) byQueue.set(id, target);
  }
  return [...byQueue.values()];
}

function longerTtl(a: number, b: number): boolean {
  if (b < 0) return false;
  return a < 0 || a > b;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MB`;
}
