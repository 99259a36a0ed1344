// The periodic cleanup of expired messages (edgeHub's MessageCleanupIntervalSecs). Expired
// messages are never delivered whatever this does (reads skip them); the cleanup gives their
// disk space back and keeps `hub status` depths honest. edgeHub runs it every 1800 s
// (docs/FACTS.md §2); a reference runtime runs it every 60 s: a long outage is where the disk
// fills, tests and users watch queues drain within a minute, and the store deletes in small
// transactions, so a pass never stalls ingestion. stop() aborts a pass between two of those
// transactions: a hub stopping after a long outage does not wait for a whole pass.
export const DEFAULT_CLEANUP_INTERVAL_MS = 60_000;

export interface ExpiryCleanupOptions {
  /** `signal` asks the store to stop between two of its small transactions. */
  store: { removeExpired(nowMs: number, options?: { signal?: AbortSignal }): Promise<number> };
  intervalMs?: number;
  log(line: string): void;
  now?: () => number;
}

export class ExpiryCleanup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopping = new AbortController();
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ExpiryCleanupOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CLEANUP_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass now; a pass already running is waited for instead of starting another. */
  runOnce(): Promise<void> {
    const signal = this.stopping.signal;
    if (signal.aborted) return this.running ?? Promise.resolve();
    this.running ??= this.options.store
      .removeExpired(this.now(), { signal })
      .then(
        () => undefined,
        (error: unknown) => {
          // Stopped mid-pass: what was removed is committed, the rest waits for the next start.
          if (!signal.aborted) this.options.log(`the expiry cleanup failed (it runs again in ${Math.round(this.intervalMs / 1000)} s): ${(error as Error).message ?? String(error)}`);
        },
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the timer, asks a pass in progress to stop after its current transaction, and waits for that one, so the store can close after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }
}
