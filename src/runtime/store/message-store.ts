// Store-and-forward queues as edgeHub keeps them (docs/FACTS.md §3): each message stored once (inside
// its queue entry when it has one target, else with a count of the entries that refer to it); one
// queue per (endpoint, priority) with increasing offsets and a persisted checkpoint; expiry checked
// on read and cleaned up from the queue heads. Reads are synchronous lmdb reads; every write goes
// through the group commit and resolves only once committed.
import type { GroupCommit } from './hub-store-commit.js';
import type { DiskGuard } from './hub-store-disk-guard.js';
import { StoreWriteError } from './hub-store-errors.js';
import {
  enqueuedAtOf,
  expiresAtOf,
  inlineEntry,
  inlineMessageOf,
  isInline,
  MAX_OFFSET,
  messageOf,
  messageRecord,
  messageSize,
  type EntryKey,
  type EntryValue,
  type StoreDatabases,
  type StoreIdentity,
  type StoreMessage,
} from './hub-store-layout.js';
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
  /** Read-only, a mark to wait for: per priority of this endpoint, the offset of the newest entry committed (0: none yet). */
  lastOffsets(endpoint: string): Map<number, number>;
  /**
   * Read-only, for a wait on a mark that resumes where its last look stopped: looks at up to
   * `limit` entries of one queue after `afterOffset` (and after the queue's checkpoint) up to
   * `throughOffset`, and stops at the first that has not expired and whose source `holds` (default:
   * every source). Nothing is removed or counted here; the reads and the cleanup do that.
   */
  lookThrough(endpoint: string, priority: number, afterOffset: number, throughOffset: number, nowMs: number, options: LookOptions): LookOutcome;
  /** Removes delivered entries, advances the queue's checkpoint, deletes messages no entry refers to; resolves after commit. */
  acknowledge(endpoint: string, priority: number, offsets: readonly number[]): Promise<void>;
  /** Deletes expired entries (and their unreferenced messages) in small transactions between appends, stopping between two when `signal` is aborted; resolves with the number removed. */
  removeExpired(nowMs: number, options?: { signal?: AbortSignal }): Promise<number>;
  status(nowMs: number): {
    queues: QueueStatus[];
    messages: number;
    bytes: number;
  };
  /** After a commit that added entries: the endpoints that got them; also after a read cut short by expired entries removed them (read again). */
  onAppend(listener: (endpoints: readonly string[]) => void): () => void;
  onExpired(listener: (count: number) => void): () => void;
}

export interface LookOptions {
  /** Entries looked at, at most: one look never holds the event loop long, whatever lies in the queue. */
  limit: number;
  /** Whether a live entry from this source is still to be waited for. */
  holds?: (source: StoreIdentity) => boolean;
}

export interface LookOutcome {
  /** Every entry at or below this offset is gone, expired or not held: the next look starts after it. At or past `throughOffset`: nothing is left to wait for. */
  clearThrough: number;
  /** The live entry the look stopped at; undefined when the look ran out of entries or of its limit. */
  liveAt?: number;
  /** How many entries the look read. */
  looked: number;
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
    dbs.entries.removeSync(key);
    staged.queue(key[0], key[1]).depth -= 1;
    if (isInline(value)) {
      staged.totals.messages -= 1;
      staged.totals.bytes -= value[2];
      return true;
    }
    const sequence = value[2];
    const ref = dbs.refs.get(sequence);
    if (ref !== undefined && ref[0] > 1) {
      dbs.refs.putSync(sequence, [ref[0] - 1, ref[1]]);
    } else {
      dbs.messages.removeSync(sequence);
      dbs.refs.removeSync(sequence);
      staged.totals.messages -= 1;
      staged.totals.bytes -= ref?.[1] ?? 0;
    }
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

  /**
   * One transaction of the cleanup: expired entries at the heads of the queues. Entries are in
   * enqueue order, so with one TTL per queue the expired ones come first; an entry behind a live
   * head (its route's TTL was shortened by a deployment) is skipped and removed by the read that
   * meets it.
   */
  /**
   * Removes the expired entries among the next `expiryChunk` entries of one queue after `after`, in
   * one write. Routes with different TTLs share a queue, so an expired entry may follow a live one:
   * the whole queue is scanned, a chunk per write, so appends get in between.
   */
  function expiredChunk(nowMs: number, endpoint: string, priority: number, after: number): Promise<{ removed: number; next?: number }> {
    return commits.submit((batch) => {
      const staged = book.stage(batch);
      const expired: number[] = [];
      let scanned = 0;
      let last = after;
      for (const { key, value } of dbs.entries.getRange({ start: [endpoint, priority, after + 1], end: [endpoint, priority, MAX_OFFSET], limit: expiryChunk })) {
        scanned += 1;
        last = key[2];
        if (nowMs >= expiresAtOf(value)) expired.push(key[2]);
      }
      let removed = 0;
      for (const offset of expired) if (removeEntry(staged, [endpoint, priority, offset])) removed += 1;
      if (removed > 0) advanceCheckpoint(staged, endpoint, priority);
      staged.write();
      batch.afterCommit(() => emitExpired(removed));
      return scanned < expiryChunk ? { removed } : { removed, next: last };
    });
  }

  /** Whether a live entry's source is waited for; an entry whose shared message is gone is never delivered (read skips it). */
  function sourceHeld(value: EntryValue, holds: LookOptions['holds']): boolean {
    if (holds === undefined) return true;
    const [deviceId, moduleId] = isInline(value) ? [value[3], value[4]] : (dbs.messages.get(value[2]) ?? []);
    if (deviceId === undefined) return false;
    return holds(moduleId === null || moduleId === undefined ? { deviceId } : { deviceId, moduleId });
  }

  return {
    append(message, targets) {
      const unique = uniqueTargets(targets);
      if (unique.length === 0) return Promise.resolve();
      const size = messageSize(message);
      const expiresAt = (target: StoreTarget) => (target.ttlSeconds < 0 ? null : message.enqueuedAtMs + target.ttlSeconds * 1000);
      // The common case, one target, writes one record: the entry holding the message.
      const inline = unique.length === 1 ? inlineEntry(message, expiresAt(unique[0]!), size) : undefined;
      const record = inline === undefined ? messageRecord(message) : undefined;
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
        if (record !== undefined) {
          dbs.messages.putSync(sequence, record);
          dbs.refs.putSync(sequence, [unique.length, size]);
          staged.totals.lastSequence = sequence;
        }
        for (const target of unique) {
          const queue = staged.queue(target.endpoint, target.priority);
          const offset = queue.lastOffset + 1;
          dbs.entries.putSync([target.endpoint, target.priority, offset], inline ?? [message.enqueuedAtMs, expiresAt(target), sequence]);
          queue.lastOffset = offset;
          queue.depth += 1;
        }
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
        const expiresAtMs = expiresAtOf(value);
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
        let message: StoreMessage;
        if (isInline(value)) {
          message = inlineMessageOf(value);
        } else {
          const record = dbs.messages.get(value[2]);
          if (record === undefined) continue;
          message = messageOf(record);
        }
        live.push({ endpoint, priority, offset, message, expiresAtMs });
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

    lastOffsets(endpoint) {
      return new Map(book.all().filter((queue) => queue.endpoint === endpoint).map((queue) => [queue.priority, queue.lastOffset]));
    },

    lookThrough(endpoint, priority, afterOffset, throughOffset, nowMs, { limit, holds }) {
      const queue = book.all().find((known) => known.endpoint === endpoint && known.priority === priority);
      if (queue === undefined) return { clearThrough: throughOffset, looked: 0 };
      let clearThrough = Math.max(afterOffset, queue.checkpoint);
      let looked = 0;
      if (clearThrough >= throughOffset || limit <= 0) return { clearThrough, looked };
      // An entry that has expired stays so: a look goes past it once, however long its removal takes.
      for (const { key, value } of dbs.entries.getRange({ start: [endpoint, priority, clearThrough + 1], end: [endpoint, priority, throughOffset + 1], limit })) {
        looked += 1;
        if (nowMs < expiresAtOf(value) && sourceHeld(value, holds)) return { clearThrough: key[2] - 1, liveAt: key[2], looked };
        clearThrough = key[2];
      }
      return { clearThrough: looked < limit ? throughOffset : clearThrough, looked };
    },

    async acknowledge(endpoint, priority, offsets) {
      if (offsets.length === 0) return;
      await removeEntries(endpoint, priority, offsets, 'delivered');
    },

    async removeExpired(nowMs, options = {}) {
      let total = 0;
      for (const { endpoint, priority, checkpoint } of book.all()) {
        let after: number | undefined = checkpoint;
        while (after !== undefined) {
          if (options.signal?.aborted) return total;
          const chunk: { removed: number; next?: number } = await expiredChunk(nowMs, endpoint, priority, after);
          total += chunk.removed;
          after = chunk.next;
        }
      }
      return total;
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
          status.oldestEnqueuedAtMs = enqueuedAtOf(value);
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
