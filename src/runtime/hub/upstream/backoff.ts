// Reconnect delays: exponential from a minimum to a maximum, with jitter so that many
// connections cut at once do not all come back in the same instant. edgeHub retries transient
// upstream failures this way, 1 s to 60 s (docs/FACTS.md §3, "Retries").

export interface BackoffRange {
  minMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffRange = { minMs: 1000, maxMs: 60_000 };

export class Backoff {
  private attempts = 0;

  constructor(
    private readonly range: BackoffRange = DEFAULT_BACKOFF,
    private readonly random: () => number = Math.random,
  ) {}

  /** How many delays were handed out since the last reset. */
  get failures(): number {
    return this.attempts;
  }

  /**
   * The next delay: the ceiling doubles per failure up to maxMs, and the delay is drawn from its
   * upper half ("equal jitter"), never below minMs.
   */
  next(): number {
    const ceiling = Math.min(this.range.maxMs, this.range.minMs * 2 ** Math.min(this.attempts, 30));
    this.attempts += 1;
    const delay = ceiling / 2 + this.random() * (ceiling / 2);
    return Math.round(Math.min(this.range.maxMs, Math.max(this.range.minMs, delay)));
  }

  /** After a success: the next failure waits the minimum again. */
  reset(): void {
    this.attempts = 0;
  }
}
