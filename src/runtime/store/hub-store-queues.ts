// The queues' counters (checkpoint, last offset, depth) and the store's totals, kept in memory from
// their persisted records so that status and delivery never scan the queues. A write changes a
// staged copy, handed to its batch when the write succeeded; the batch persists the counters it
// changed once, at its end, in its transaction; they become the known state only once the batch is
// committed, so a failed commit leaves the counters as they are on disk.
import type { Batch } from './hub-store-commit.js';
import type { QueueRecord, StoreDatabases, Totals } from './hub-store-layout.js';

export interface QueueState extends QueueRecord {
  readonly endpoint: string;
  readonly priority: number;
}

interface BatchState {
  queues: Map<string, QueueState>;
  /** Queues whose counters this batch changed. */
  changed: Set<string>;
  totals: Totals;
  totalsChanged?: boolean;
  appended: Set<string>;
  emitAppended?: (endpoints: readonly string[]) => void;
}

const queueId = (endpoint: string, priority: number) => `${endpoint}\u0000${priority}`;

export class QueueBook {
  private constructor(
    private readonly dbs: StoreDatabases,
    private readonly queues: Map<string, QueueState>,
    private committedTotals: Totals,
  ) {}

  static load(dbs: StoreDatabases): QueueBook {
    const queues = new Map<string, QueueState>();
    for (const { key, value } of dbs.queues.getRange()) {
      const [endpoint, priority] = key;
      queues.set(queueId(endpoint, priority), {
        endpoint,
        priority,
        checkpoint: value.checkpoint,
        lastOffset: value.lastOffset,
        depth: value.depth,
      });
    }
    const totals = (dbs.meta.get('totals') as Totals | undefined) ?? {
      messages: 0,
      bytes: 0,
      lastSequence: 0,
    };
    return new QueueBook(dbs, queues, { ...totals });
  }

  totals(): Totals {
    return { ...this.committedTotals };
  }

  /** Every queue ever used, by endpoint then priority. */
  all(): QueueState[] {
    return [...this.queues.values()]
      .map((queue) => ({ ...queue }))
      .sort((a, b) => (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : a.priority - b.priority));
  }

  priorities(endpoint: string): number[] {
    return [...this.queues.values()]
      .filter((queue) => queue.endpoint === endpoint && queue.depth > 0)
      .map((queue) => queue.priority)
      .sort((a, b) => a - b);
  }

  endpoints(): string[] {
    return [...new Set([...this.queues.values()].filter((queue) => queue.depth > 0).map((queue) => queue.endpoint))].sort();
  }

  /** The counters one write works on, inside a batch. */
  stage(batch: Batch): StagedState {
    const shared = batch.state<BatchState>(
      this,
      () => ({
        queues: new Map(),
        changed: new Set(),
        totals: { ...this.committedTotals },
        appended: new Set(),
      }),
      (state) => this.commit(state),
      (state) => this.persist(state),
    );
    return new StagedState(shared, (id) => this.queues.get(id));
  }

  /** Writes the counters the batch changed, inside its transaction. */
  private persist(state: BatchState): void {
    for (const id of state.changed) {
      const queue = state.queues.get(id)!;
      const record: QueueRecord = {
        checkpoint: queue.checkpoint,
        lastOffset: queue.lastOffset,
        depth: queue.depth,
      };
      this.dbs.queues.putSync([queue.endpoint, queue.priority], record);
    }
    if (state.changed.size > 0 || state.totalsChanged) this.dbs.meta.putSync('totals', state.totals);
  }

  private commit(state: BatchState): void {
    for (const [id, queue] of state.queues) this.queues.set(id, queue);
    this.committedTotals = state.totals;
    if (state.appended.size > 0) state.emitAppended?.([...state.appended]);
  }
}

/** One write's view of the counters: its changes reach the batch only when `write` hands them over. */
export class StagedState {
  readonly totals: Totals;
  private readonly touched = new Map<string, QueueState>();
  private endpoints: string[] = [];
  private emit: ((endpoints: readonly string[]) => void) | undefined;

  constructor(
    private readonly shared: BatchState,
    private readonly committed: (id: string) => QueueState | undefined,
  ) {
    this.totals = { ...shared.totals };
  }

  /** Whether the queue has ever had an entry (committed or in this batch). */
  knows(endpoint: string, priority: number): boolean {
    const id = queueId(endpoint, priority);
    return this.touched.has(id) || this.shared.queues.has(id) || this.committed(id) !== undefined;
  }

  queue(endpoint: string, priority: number): QueueState {
    const id = queueId(endpoint, priority);
    let queue = this.touched.get(id);
    if (queue === undefined) {
      const known = this.shared.queues.get(id) ?? this.committed(id);
      queue = known ? { ...known } : { endpoint, priority, checkpoint: 0, lastOffset: 0, depth: 0 };
      this.touched.set(id, queue);
    }
    return queue;
  }

  /** The endpoints this write added entries to, told to `emit` once the batch is committed; call before `write`. */
  appended(endpoints: readonly string[], emit: (endpoints: readonly string[]) => void): void {
    this.endpoints = [...endpoints];
    this.emit = emit;
  }

  /** Hands the touched counters to the batch, which persists them at its end; call last in a write that succeeded. */
  write(): void {
    for (const [id, queue] of this.touched) {
      this.shared.queues.set(id, queue);
      this.shared.changed.add(id);
    }
    this.shared.totals = this.totals;
    this.shared.totalsChanged = true;
    for (const endpoint of this.endpoints) this.shared.appended.add(endpoint);
    if (this.emit !== undefined) this.shared.emitAppended = this.emit;
  }
}
