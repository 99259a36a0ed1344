// Group commit for the hub store: writes submitted while a commit is under way wait, then all of
// them go into the next lmdb transaction, in submission order. Each write runs as its own child
// transaction inside the batch, so a write that throws leaves nothing behind while the others of
// its batch still commit; a failed commit rejects every write of its batch. One commit at a time
// (lmdb has a single writer): the longer a commit takes (a flush to disk), the more writes the next
// one carries.
import type { RootDatabase } from 'lmdb';
import { StoreWriteError } from './hub-store-errors.js';

/** What one write can leave for after the commit of its batch. */
export interface Batch {
  /** Batch-wide state of one owner (staged counters), made on first use; `committed` gets it once the batch is committed. */
  state<T>(owner: object, create: () => T, committed: (state: T) => void): T;
  /** Runs once the batch is committed, if this write succeeded, before the writes' promises resolve. */
  afterCommit(hook: () => void): void;
}

/** A write: runs inside the batch transaction; throwing rolls back this write only. */
export type WriteOp<T> = (batch: Batch) => T;

interface Pending {
  op: WriteOp<unknown>;
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Most writes in one transaction (keeps a transaction's dirty pages bounded). */
  maxWritesPerCommit?: number;
  /** The store's error for what lmdb threw. */
  describeFailure?: (error: unknown) => StoreWriteError;
}

export class GroupCommit {
  private queue: Pending[] = [];
  private committing: Promise<void> | undefined;
  private closed = false;
  private readonly maxWrites: number;
  private readonly describeFailure: (error: unknown) => StoreWriteError;
  /** Commits done and writes they carried, for measurements. */
  readonly stats = { commits: 0, writes: 0 };

  constructor(
    private readonly root: RootDatabase,
    options: GroupCommitOptions = {},
  ) {
    this.maxWrites = options.maxWritesPerCommit ?? 20_000;
    this.describeFailure = options.describeFailure ?? ((error) => (error instanceof StoreWriteError ? error : new StoreWriteError(String(error))));
  }

  submit<T>(op: WriteOp<T>): Promise<T> {
    if (this.closed) return Promise.reject(new StoreWriteError('the hub store is closed', 'store-closed'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({
        op,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
      this.schedule();
    });
  }

  /** Refuses new writes and resolves when every submitted write is committed or has failed. */
  async drain(): Promise<void> {
    this.closed = true;
    while (this.committing !== undefined) await this.committing;
  }

  private schedule(): void {
    if (this.committing !== undefined || this.queue.length === 0) return;
    this.committing = this.commitNext().finally(() => {
      this.committing = undefined;
      this.schedule();
    });
  }

  private async commitNext(): Promise<void> {
    // Writes are taken when lmdb starts the transaction, not when it is requested, so everything
    // submitted meanwhile joins this commit.
    let taken: Pending[] = [];
    const outcomes: { ok: boolean; value: unknown }[] = [];
    const hooks: (() => void)[] = [];
    const states = new Map<object, { value: unknown; committed: (state: never) => void }>();
    const state = <T>(owner: object, create: () => T, committed: (state: T) => void): T => {
      let known = states.get(owner);
      if (known === undefined) {
        known = {
          value: create(),
          committed: committed as (state: never) => void,
        };
        states.set(owner, known);
      }
      return known.value as T;
    };
    const runBatch = () => {
      taken = this.queue.splice(0, this.maxWrites);
      for (const pending of taken) {
        const ownHooks: (() => void)[] = [];
        const batch: Batch = {
          state,
          afterCommit: (hook) => ownHooks.push(hook),
        };
        try {
          const value = this.root.transactionSync(() => pending.op(batch));
          outcomes.push({ ok: true, value });
          hooks.push(...ownHooks);
        } catch (error) {
          outcomes.push({ ok: false, value: error });
        }
      }
    };
    try {
      // Let the current event turn's writes join, then commit here, on the main thread: without a
      // flush a commit is a few writes to the page cache, 5–6 times the appends/s of handing it to
      // lmdb's write thread (measured here); with a flush, lmdb's write thread would keep the event
      // loop free, but a commit failing there (disk full) ends the process with an unhandled
      // rejection inside lmdb-js 3.5.6 (seen here), so every commit is made here.
      await new Promise((resolve) => setImmediate(resolve));
      this.root.transactionSync(runBatch);
    } catch (error) {
      const failure = this.describeFailure(error);
      for (const pending of taken) pending.reject(failure);
      return;
    }
    this.stats.commits += 1;
    this.stats.writes += taken.length;
    for (const { value, committed } of states.values()) committed(value as never);
    for (const hook of hooks) hook();
    taken.forEach((pending, index) => {
      const outcome = outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(this.describeFailure(outcome.value));
    });
  }
}
