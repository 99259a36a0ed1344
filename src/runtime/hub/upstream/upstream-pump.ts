// Drains the `$upstream` queues of the store to the cloud, as edgeHub's store-and-forward does
// (docs/FACTS.md §3): highest priority first, store order within a queue, one lane per source
// identity (each goes up on that identity's own connection) with a window of messages in flight,
// an entry acknowledged in the store only after the cloud's PUBACK, and after a failure the lane
// resends from its first unacknowledged entry (at least once: the cloud may see a message twice,
// never out of order within an identity's queue, never not at all while its TTL lasts).
// A lane's PUBACKs count in send order: a success behind an earlier send that has not succeeded
// is not final, since if that earlier one fails, both go again, the earlier first (a connection
// lost during a token renewal can fail an earlier publish after a later one went through).
//
// Memory stays bounded whatever the queue's length: entries are read in pages into a budget of
// held entries. A lane that keeps failing while the link is up (say an identity the cloud refuses)
// gives its held entries back and is skipped by the reader, so it cannot starve the others; once
// it may retry, the reader goes back to where it left that lane's entries.
//
// The resync round (resync.ts) takes a mark (where the queues end) when the link comes back and
// waits, with deliveredThrough, until everything up to it is delivered or expired; what is stored
// after the mark keeps flowing, since under constant load the queue would never be empty. The
// wait looks at the store from where its last look stopped, a bounded number of entries at a time
// (after an outage longer than the TTL, many expired entries may lie ahead of the live ones), and
// does not wait for the messages of an identity the cloud refuses (disabled or removed during the
// outage): they could never go up, and the scope read that settles it comes after the wait.
import { identityKey } from '../../iothub/client-identity.js';
import type { MessageStore, StoredEntry, StoreIdentity } from '../../store/message-store.js';
import { UPSTREAM_ENDPOINT, type HubCounters } from '../hub-types.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffRange } from './backoff.js';
import { IdentityRefusedError, UpstreamRejectedError } from './upstream-errors.js';
import type { UpstreamLink } from './upstream-link.js';

export interface UpstreamPumpOptions {
  store: MessageStore;
  link: UpstreamLink;
  counters: HubCounters;
  log?: (line: string) => void;
  /** Messages sent and awaiting the cloud's PUBACK, per identity (see DEFAULT_WINDOW). */
  windowPerIdentity?: number;
  /** Entries read from the store at a time. */
  readBatch?: number;
  /** Entries (and body bytes) held in memory at most, over all identities. */
  maxHeldEntries?: number;
  maxHeldBytes?: number;
  /** Retry delays of a lane whose sends fail while the link is up; default 1 s .. 60 s. */
  backoff?: BackoffRange;
  /**
   * A look at the store this often even without a wake-up, so one missed (a listener that threw,
   * an append committed between a read and a subscription) delays delivery at most this long.
   */
  pollMs?: number;
  /** How long stop() waits for PUBACKs of messages in flight; what is still unacknowledged then stays stored. */
  stopTimeoutMs?: number;
  now?: () => number;
  random?: () => number;
}

/**
 * edgeHub sends batches of 10 per identity (MaxUpstreamBatchSize). Here a window of PUBACKs in
 * flight per identity does that job. Measured on this 2-core machine under load (loadavg ≈ 3.4):
 * 10,000 queued 200-byte messages from two identities drained to the emulator at a median of
 * 1.5k msg/s with a window of 1, 5.7k with 10, 11k with 50, 16.5k with 100, 16.7k with 200 and
 * 18k with 500 (test/runtime/hub/upstream/pump-window.measure.test.ts, EDGEWISE_MEASURE=1).
 * 100 is where the gain levels off; a larger window only means more duplicates after a failure.
 */
export const DEFAULT_WINDOW = 100;

/** Per priority of `$upstream`, the offset of the newest entry when the mark was taken. */
export type UpstreamMark = ReadonlyMap<number, number>;

/**
 * How long waiting for a mark goes on without one of its entries delivered before it gives up:
 * longer than the longest reconnect backoff (60 s), so every lane gets a try in each window.
 */
export const DEFAULT_MARK_STALL_MS = 120_000;

type SendOutcome = 'in-flight' | 'delivered' | 'dropped' | 'failed';

/** Someone waiting until every entry up to a mark is delivered or expired. */
interface MarkWaiter {
  mark: UpstreamMark;
  /** Priority → every entry up to this offset is delivered, expired or refused: the next look starts after it. */
  clearThrough: Map<number, number>;
  /** A look stopped by its limit goes on at the next turn of the event loop. */
  lookAgain: boolean;
  delivered: number;
  lastProgressMs: number;
  stallMs: number;
  settle(outcome: { delivered: number } | { error: Error }): void;
}

/** One send of a lane, kept in send order until it and every send before it settled. */
interface Sent {
  entry: StoredEntry;
  outcome: SendOutcome;
}

interface Lane {
  key: string;
  /** Held entries not in flight, per priority, each in offset order. */
  queues: Map<number, StoredEntry[]>;
  inFlight: number;
  /** Sends not yet final, in send order: the head is in flight or failed. */
  sent: Sent[];
  /** A send of the lane failed: nothing more goes until every send settled and the lane starts again. */
  failing: boolean;
  retryAtMs: number;
  backoff: Backoff;
  /** Priority → the first offset of this lane given back and not held: the reader skips the lane there. */
  evictedFrom: Map<number, number>;
  /** Its last send failed because the cloud refuses the identity: a mark's wait does not wait for its entries. */
  refused: boolean;
}

export class UpstreamPump {
  private running = false;
  /** After stop(): a late PUBACK is not recorded (the store may be closed); the message goes up again after a restart. */
  private stopped = false;
  private readonly lanes = new Map<string, Lane>();
  /** Priority → the last offset read. */
  private readonly cursors = new Map<number, number>();
  private readonly held = new Map<string, number>();
  private heldBytes = 0;
  private inFlight = 0;
  private wakeScheduled = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private readonly ackBatch = new Map<number, { entries: StoredEntry[]; delivered: boolean[] }>();
  private ackScheduled = false;
  private readonly acksCommitting = new Set<Promise<void>>();
  private unsubscribe: (() => void)[] = [];
  private readonly waiters = new Set<MarkWaiter>();
  private readonly window: number;
  private readonly readBatch: number;
  private readonly maxHeldEntries: number;
  private readonly maxHeldBytes: number;
  private readonly now: () => number;

  constructor(private readonly options: UpstreamPumpOptions) {
    this.window = Math.max(1, options.windowPerIdentity ?? DEFAULT_WINDOW);
    this.readBatch = Math.max(1, options.readBatch ?? 256);
    this.maxHeldEntries = Math.max(this.readBatch, options.maxHeldEntries ?? 4096);
    this.maxHeldBytes = options.maxHeldBytes ?? 32 * 1024 * 1024;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.running) return;
    this.stopped = false;
    this.running = true;
    this.unsubscribe = [
      this.options.store.onAppend((endpoints) => {
        if (endpoints.includes(UPSTREAM_ENDPOINT)) this.wake();
      }),
      this.options.link.onStateChange((state) => {
        if (state !== 'connected') return;
        // The link is back: every lane may send again now, whatever its backoff said.
        for (const lane of this.lanes.values()) lane.retryAtMs = 0;
        this.wake();
      }),
    ];
    this.pollTimer = setInterval(() => this.wake(), this.options.pollMs ?? 1000);
    this.pollTimer.unref();
    this.wake();
  }

  /** Where the `$upstream` queues end now: what deliveredThrough waits for. */
  mark(): UpstreamMark {
    return this.options.store.lastOffsets(UPSTREAM_ENDPOINT);
  }

  /**
   * Resolves, with how many entries up to `mark` this pump delivered meanwhile, once none up to it
   * is still stored live (each delivered, dropped or expired) but those of identities the cloud
   * refuses; entries after the mark keep flowing and are not waited for. Rejects when `signal`
   * aborts, when the pump stops, or after `stallMs` (default DEFAULT_MARK_STALL_MS) without one of
   * them delivered, expired or refused.
   */
  deliveredThrough(mark: UpstreamMark, options: { signal?: AbortSignal; stallMs?: number } = {}): Promise<number> {
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise<number>((resolve, reject) => {
      const checker = setInterval(() => this.checkWaiter(waiter), MARK_CHECK_MS);
      checker.unref();
      const onAbort = () => waiter.settle({ error: abortError(signal!) });
      const waiter: MarkWaiter = {
        mark,
        clearThrough: new Map(),
        lookAgain: false,
        delivered: 0,
        lastProgressMs: this.now(),
        stallMs: options.stallMs ?? DEFAULT_MARK_STALL_MS,
        settle: (outcome) => {
          if (!this.waiters.delete(waiter)) return;
          clearInterval(checker);
          signal?.removeEventListener('abort', onAbort);
          if ('error' in outcome) reject(outcome.error);
          else resolve(outcome.delivered);
        },
      };
      this.waiters.add(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.checkWaiter(waiter);
    });
  }

  /** Stops sending; waits (bounded) for PUBACKs in flight and their acknowledgements to commit. */
  async stop(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.settle({ error: new Error('the hub is stopping') });
    if (!this.running) return;
    this.running = false;
    for (const off of this.unsubscribe.splice(0)) off();
    clearTimeout(this.retryTimer);
    clearInterval(this.pollTimer);
    const deadline = this.now() + (this.options.stopTimeoutMs ?? 5000);
    while (this.inFlight > 0 && this.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    this.flushAcknowledgements();
    await Promise.all([...this.acksCommitting]);
    this.stopped = true;
  }

  private wake(): void {
    if (this.wakeScheduled || !this.running) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      this.run();
    });
  }

  private run(): void {
    if (!this.running || this.options.link.state !== 'connected') return;
    const now = this.now();
    this.rewindRetryingLanes(now);
    try {
      this.fill(now);
    } catch (error) {
      this.log(`upstream pump: reading the store failed (${(error as Error).message}); trying again shortly`);
      this.retryAt(now + 1000);
    }
    this.dispatch(now);
    this.planRetry(now);
  }

  /** Reads entries, highest priority first, until the budget is used up. */
  private fill(now: number): void {
    const { store } = this.options;
    for (const priority of store.priorities(UPSTREAM_ENDPOINT)) {
      for (;;) {
        if (!this.hasRoom() && !this.evictWaitingLanes(now)) return;
        const entries = store.read(UPSTREAM_ENDPOINT, priority, this.cursors.get(priority) ?? 0, this.readBatch, now);
        for (const entry of entries) {
          this.cursors.set(priority, entry.offset);
          this.hold(entry);
        }
        if (entries.length < this.readBatch) break;
      }
    }
  }

  private hold(entry: StoredEntry): void {
    const id = entryId(entry);
    if (this.held.has(id)) return;
    const lane = this.laneOf(identityKey(entry.message.source));
    // Given back while waiting to retry: read again from there once the lane may retry.
    if (lane.evictedFrom.has(entry.priority)) return;
    this.held.set(id, entry.message.body.length);
    this.heldBytes += entry.message.body.length;
    const queue = lane.queues.get(entry.priority) ?? [];
    queue.push(entry);
    lane.queues.set(entry.priority, queue);
  }

  private release(entry: StoredEntry): void {
    const id = entryId(entry);
    const bytes = this.held.get(id);
    if (bytes === undefined) return;
    this.held.delete(id);
    this.heldBytes -= bytes;
  }

  private hasRoom(): boolean {
    return this.held.size < this.maxHeldEntries && this.heldBytes < this.maxHeldBytes;
  }

  /** Gives back the held entries of lanes waiting to retry; says whether that freed any room. */
  private evictWaitingLanes(now: number): boolean {
    let freed = false;
    for (const lane of this.lanes.values()) {
      if (lane.retryAtMs <= now || lane.inFlight > 0) continue;
      for (const [priority, queue] of lane.queues) {
        if (queue.length === 0) continue;
        const first = queue[0]!.offset;
        lane.evictedFrom.set(priority, Math.min(lane.evictedFrom.get(priority) ?? first, first));
        for (const entry of queue) this.release(entry);
        queue.length = 0;
        freed = true;
      }
    }
    return freed && this.hasRoom();
  }

  /** A lane that may retry and gave entries back: the reader goes back to the first of them. */
  private rewindRetryingLanes(now: number): void {
    for (const lane of this.lanes.values()) {
      if (lane.evictedFrom.size === 0 || lane.retryAtMs > now) continue;
      for (const [priority, offset] of lane.evictedFrom) this.cursors.set(priority, Math.min(this.cursors.get(priority) ?? 0, offset - 1));
      lane.evictedFrom.clear();
    }
  }

  private dispatch(now: number): void {
    const ready = [...this.lanes.values()].filter((lane) => lane.retryAtMs <= now && !lane.failing);
    // Lanes whose next entry has the highest priority go first.
    ready.sort((a, b) => headPriority(a) - headPriority(b));
    for (const lane of ready) {
      while (lane.sent.length < this.window && !lane.failing) {
        const entry = nextEntry(lane);
        if (entry === undefined) break;
        // Expired while held: never delivered; the store removes and counts it (read or cleanup).
        if (entry.expiresAtMs <= now) {
          this.release(entry);
          continue;
        }
        this.send(lane, entry);
      }
    }
  }

  private send(lane: Lane, entry: StoredEntry): void {
    const sent: Sent = { entry, outcome: 'in-flight' };
    lane.sent.push(sent);
    lane.inFlight += 1;
    this.inFlight += 1;
    this.options.link.sendTelemetry(entry.message).then(
      () => {
        lane.refused = false;
        this.onSettled(lane, sent, 'delivered');
      },
      (error: unknown) => {
        if (error instanceof IdentityRefusedError) this.markRefused(lane, error);
        if (error instanceof UpstreamRejectedError) {
          // The cloud can never take it (edgeHub drops such a message too); keeping it would block the lane.
          this.log(`upstream pump: dropped a message of ${lane.key}: ${error.message}`);
          return this.onSettled(lane, sent, 'dropped');
        }
        if (!lane.failing && this.running && this.options.link.state === 'connected') {
          this.log(`upstream pump: sending as ${lane.key} failed (${(error as Error).message}); it is sent again with what followed it`);
        }
        this.onSettled(lane, sent, 'failed');
      },
    );
  }

  /** The cloud refuses this identity: a mark's wait stops waiting for its entries (they stay stored, and go up should the cloud take them again). */
  private markRefused(lane: Lane, error: IdentityRefusedError): void {
    if (lane.refused) return;
    lane.refused = true;
    if (this.waiters.size === 0) return;
    this.log(`upstream pump: the messages of ${lane.key} stay stored, the cloud refuses this identity (${error.message}); the resync does not wait for them`);
    for (const waiter of [...this.waiters]) this.checkWaiter(waiter);
  }

  private onSettled(lane: Lane, sent: Sent, outcome: Exclude<SendOutcome, 'in-flight'>): void {
    lane.inFlight -= 1;
    this.inFlight -= 1;
    sent.outcome = outcome;
    if (outcome === 'failed') lane.failing = true;
    // Final only in send order: a success waits for every earlier send of its lane.
    while (!lane.failing && lane.sent.length > 0 && lane.sent[0]!.outcome !== 'in-flight') {
      const head = lane.sent.shift()!;
      if (head.outcome === 'delivered') lane.backoff.reset();
      this.acknowledge(head.entry, head.outcome === 'delivered');
    }
    if (lane.failing && lane.inFlight === 0) this.restartLane(lane);
    this.wake();
  }

  /**
   * Every send of a failing lane has settled: the failed one and everything sent after it (even
   * what the cloud took: it would otherwise arrive before the failed one) go back first, in
   * order, and the lane waits out its backoff. Dropped entries stay dropped.
   */
  private restartLane(lane: Lane): void {
    const again = lane.sent.filter((sent) => sent.outcome !== 'dropped').map((sent) => sent.entry);
    for (const sent of lane.sent) if (sent.outcome === 'dropped') this.acknowledge(sent.entry, false);
    lane.sent = [];
    lane.failing = false;
    for (const entry of again.sort(byPriorityThenOffset).reverse()) {
      const queue = lane.queues.get(entry.priority) ?? [];
      queue.unshift(entry);
      lane.queues.set(entry.priority, queue);
    }
    lane.retryAtMs = this.now() + lane.backoff.next();
  }

  /** Acknowledgements of one event-loop turn go to the store together, one call per priority. */
  private acknowledge(entry: StoredEntry, delivered: boolean): void {
    if (this.stopped) return;
    if (delivered) this.countForWaiters(entry);
    const batch = this.ackBatch.get(entry.priority) ?? { entries: [], delivered: [] };
    batch.entries.push(entry);
    batch.delivered.push(delivered);
    this.ackBatch.set(entry.priority, batch);
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => this.flushAcknowledgements());
  }

  private flushAcknowledgements(): void {
    this.ackScheduled = false;
    for (const [priority, batch] of this.ackBatch) {
      const offsets = batch.entries.map((entry) => entry.offset);
      const commit = this.options.store.acknowledge(UPSTREAM_ENDPOINT, priority, offsets).then(
        () => {
          this.options.counters.delivered += batch.delivered.filter(Boolean).length;
          // The store now shows these entries gone: a waiter may be done.
          for (const waiter of [...this.waiters]) this.checkWaiter(waiter);
        },
        (error: unknown) => {
          // Still stored: they go up again after a restart (at least once).
          this.log(`upstream pump: recording ${offsets.length} delivered messages failed (${(error as Error).message}); they may be sent again after a restart`);
        },
      );
      const tracked = commit.finally(() => {
        this.acksCommitting.delete(tracked);
        // Released only now, so a read before the commit cannot pick them up again.
        for (const entry of batch.entries) this.release(entry);
        this.wake();
      });
      this.acksCommitting.add(tracked);
    }
    this.ackBatch.clear();
  }

  /**
   * Counted when handed to the store, before its commit: one commit may remove entries of several
   * priorities, and a waiter that looked at the store must never find them gone yet uncounted.
   */
  private countForWaiters(entry: StoredEntry): void {
    for (const waiter of this.waiters) {
      const through = waiter.mark.get(entry.priority);
      if (through === undefined || entry.offset > through) continue;
      waiter.delivered += 1;
      waiter.lastProgressMs = this.now();
    }
  }

  /**
   * Looks at the store from where the waiter's last look stopped: entries gone, expired or refused
   * are passed once and never read again (progress too: expiry ends a wait as delivery does), and
   * one look reads at most MARK_LOOK_LIMIT entries; one stopped by that limit goes on next turn.
   */
  private checkWaiter(waiter: MarkWaiter): void {
    const now = this.now();
    const holds = (source: StoreIdentity) => this.lanes.get(identityKey(source))?.refused !== true;
    const left = () => [...waiter.mark].some(([priority, through]) => (waiter.clearThrough.get(priority) ?? 0) < through);
    let budget = MARK_LOOK_LIMIT;
    let cutShort = false;
    try {
      for (const [priority, through] of waiter.mark) {
        const from = waiter.clearThrough.get(priority) ?? 0;
        if (from >= through) continue;
        if (budget <= 0) {
          cutShort = true;
          continue;
        }
        const look = this.options.store.lookThrough(UPSTREAM_ENDPOINT, priority, from, through, now, { limit: budget, holds });
        budget -= look.looked;
        if (look.clearThrough > from) {
          waiter.clearThrough.set(priority, look.clearThrough);
          waiter.lastProgressMs = now;
        }
        if (look.clearThrough < through && look.liveAt === undefined) cutShort = true;
      }
    } catch (error) {
      waiter.settle({ error: new Error(`reading the store failed (${(error as Error).message})`) });
      return;
    }
    if (!left()) waiter.settle({ delivered: waiter.delivered });
    else if (cutShort) this.lookAgain(waiter);
    else if (now - waiter.lastProgressMs >= waiter.stallMs) {
      waiter.settle({ error: new Error(`the messages stored before the reconnect made no progress for ${Math.round(waiter.stallMs / 1000)} s (${waiter.delivered} went up before that); the pump keeps sending them`) });
    }
  }

  private lookAgain(waiter: MarkWaiter): void {
    if (waiter.lookAgain) return;
    waiter.lookAgain = true;
    setImmediate(() => {
      waiter.lookAgain = false;
      if (this.waiters.has(waiter)) this.checkWaiter(waiter);
    });
  }

  private planRetry(now: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    let earliest = Infinity;
    for (const lane of this.lanes.values()) {
      if (lane.retryAtMs > now && (hasQueued(lane) || lane.evictedFrom.size > 0)) earliest = Math.min(earliest, lane.retryAtMs);
    }
    if (earliest !== Infinity) this.retryAt(earliest);
  }

  private retryAt(atMs: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.wake(), Math.max(0, atMs - this.now()));
    this.retryTimer.unref();
  }

  private laneOf(key: string): Lane {
    let lane = this.lanes.get(key);
    if (lane === undefined) {
      lane = { key, queues: new Map(), inFlight: 0, sent: [], failing: false, retryAtMs: 0, backoff: new Backoff(this.options.backoff ?? DEFAULT_BACKOFF, this.options.random), evictedFrom: new Map(), refused: false };
      this.lanes.set(key, lane);
    }
    return lane;
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}

/** How often a waiter looks at the store besides after each delivery: expiry ends a wait too. */
const MARK_CHECK_MS = 500;
/** Entries one look of a waiter reads at most (about a millisecond of lmdb reads). */
const MARK_LOOK_LIMIT = 1000;

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('the wait was aborted');
}

function entryId(entry: StoredEntry): string {
  return `${entry.priority}:${entry.offset}`;
}

function nextEntry(lane: Lane): StoredEntry | undefined {
  let best: StoredEntry[] | undefined;
  let bestPriority = Infinity;
  for (const [priority, queue] of lane.queues) {
    if (queue.length > 0 && priority < bestPriority) {
      best = queue;
      bestPriority = priority;
    }
  }
  return best?.shift();
}

function headPriority(lane: Lane): number {
  let best = Infinity;
  for (const [priority, queue] of lane.queues) if (queue.length > 0) best = Math.min(best, priority);
  return best;
}

function hasQueued(lane: Lane): boolean {
  for (const queue of lane.queues.values()) if (queue.length > 0) return true;
  return false;
}

function byPriorityThenOffset(a: StoredEntry, b: StoredEntry): number {
  return a.priority - b.priority || a.offset - b.offset;
}
