// The periodic cleanup of expired messages (edgeHub's MessageCleanupIntervalSecs). Expired
// messages are never delivered whatever this does (reads skip them); the cleanup gives their
// disk space back and keeps `hub status` depths honest. edgeHub runs it every 1800 s
// (docs/FACTS.md §2); a reference runtime runs it every 60 s: a long outage is where the disk
// fills, tests and users watch queues drain within a minute, and the store deletes in small
// transactions, so a pass never stalls ingestion.
export const DEFAULT_CLEANUP_INTERVAL_MS = 60_000;

export interface ExpiryCleanupOptions {
  store: { removeExpired(nowMs: number): Promise<number> };
  intervalMs?: number;
  log(line: string): void;
  now?: () => number;
}

export class ExpiryCleanup {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly intervalMs: number;
  private readonly now: () => number;

  constructor(private readonly options: ExpiryCleanupOptions) {
    this.intervalMs = options.intervalMs ?? DEFAULT_CLEANUP_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.runOnce(), this.intervalMs);
    this.timer.unref();
  }

  /** One pass now; a pass already running is waited for instead of starting another. */
  runOnce(): Promise<void> {
    this.running ??= this.options.store
      .removeExpired(this.now())
      .then(
        () => undefined,
        (error: unknown) => this.options.log(`the expiry cleanup failed (it runs again in ${Math.round(this.intervalMs / 1000)} s): ${(error as Error).message ?? String(error)}`),
      )
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops the timer and waits for a pass in progress, so the store can close after it. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
