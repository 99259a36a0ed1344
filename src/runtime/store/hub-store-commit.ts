// Group commit for the hub store: writes submitted while a commit is under way wait, then all of
// them go into the next lmdb transaction, in submission order. A write that throws leaves nothing
// behind while the others of its batch still commit: the batch first runs its writes straight in
// the transaction (a child transaction per write costs about a sixth of an append, measured here);
// when one throws, that transaction is aborted and the batch runs again with each write in its own
// child transaction, so only the failing write is lost. A failed commit rejects every write of its
// batch. One commit at a time (lmdb has a single writer): the longer a commit takes (a flush to
// disk), the more writes the next one carries.
import type { RootDatabase } from 'lmdb';
import { StoreWriteError } from './hub-store-errors.js';

/** What one write can leave for after the commit of its batch. */
export interface Batch {
  /**
   * Batch-wide state of one owner (staged counters), made on first use; `persist` writes it once,
   * inside the batch's transaction after every write of the batch ran (one record per batch instead
   * of one per write); `committed` gets it once the batch is committed.
   */
  state<T>(owner: object, create: () => T, committed: (state: T) => void, persist?: (state: T) => void): T;
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
    let taken: Pending[] | undefined;
    let run: BatchRun | undefined;
    const runBatch = (isolated: boolean) => {
      taken ??= this.queue.splice(0, this.maxWrites);
      run = new BatchRun();
      for (const pending of taken) run.execute(pending.op, isolated ? (op) => this.root.transactionSync(op) : undefined);
      run.persist();
    };
    try {
      // Let the current event turn's writes join, then commit here, on the main thread: without a
      // flush a commit is a few writes to the page cache, 5–6 times the appends/s of handing it to
      // lmdb's write thread (measured here); with a flush, lmdb's write thread would keep the event
      // loop free, but a commit failing there (disk full) ends the process with an unhandled
      // rejection inside lmdb-js 3.5.6 (seen here), so every commit is made here.
      await new Promise((resolve) => setImmediate(resolve));
      try {
        this.root.transactionSync(() => {
          runBatch(false);
          // Throwing aborts the transaction: nothing of this attempt is committed.
          if (run!.failed) throw new IsolateWrites();
        });
      } catch (error) {
        if (!(error instanceof IsolateWrites) && run?.failed !== true) throw error;
        this.root.transactionSync(() => runBatch(true));
      }
    } catch (error) {
      const failure = this.describeFailure(error);
      for (const pending of taken ?? []) pending.reject(failure);
      return;
    }
    const done = run!;
    const batch = taken!;
    this.stats.commits += 1;
    this.stats.writes += batch.length;
    done.committed();
    batch.forEach((pending, index) => {
      const outcome = done.outcomes[index]!;
      if (outcome.ok) pending.resolve(outcome.value);
      else pending.reject(this.describeFailure(outcome.value));
    });
  }
}

/** Aborts a batch's first attempt so that it runs again with each write isolated. */
class IsolateWrites extends Error {}

/** One attempt at running a batch's writes inside its transaction: their outcomes, hooks and batch-wide states. */
class BatchRun {
  readonly outcomes: { ok: boolean; value: unknown }[] = [];
  failed = false;
  private readonly hooks: (() => void)[] = [];
  private readonly states = new Map<object, { value: unknown; committed: (state: never) => void; persist: ((state: never) => void) | undefined }>();

  /** Runs one write, inside `isolate` (a child transaction) when given; a write that throws un-isolated marks the run failed. */
  execute(op: WriteOp<unknown>, isolate?: (op: () => unknown) => unknown): void {
    if (this.failed) return;
    const ownHooks: (() => void)[] = [];
    const batch: Batch = {
      state: (owner, create, committed, persist) => this.state(owner, create, committed, persist),
      afterCommit: (hook) => ownHooks.push(hook),
    };
    try {
      const value = isolate === undefined ? op(batch) : isolate(() => op(batch));
      this.outcomes.push({ ok: true, value });
      this.hooks.push(...ownHooks);
    } catch (error) {
      if (isolate === undefined) this.failed = true;
      this.outcomes.push({ ok: false, value: error });
    }
  }

  /** Writes the batch-wide states; throwing here fails the whole batch (the transaction is aborted). */
  persist(): void {
    if (this.failed) return;
    for (const { value, persist } of this.states.values()) persist?.(value as never);
  }

  /** After the commit: hands the states to their owners, then runs the writes' hooks. */
  committed(): void {
    for (const { value, committed } of this.states.values()) committed(value as never);
    for (const hook of this.hooks) hook();
  }

  private state<T>(owner: object, create: () => T, committed: (state: T) => void, persist?: (state: T) => void): T {
    let known = this.states.get(owner);
    if (known === undefined) {
      known = {
        value: create(),
        committed: committed as (state: never) => void,
        persist: persist as ((state: never) => void) | undefined,
      };
      this.states.set(owner, known);
    }
    return known.value as T;
  }
}
