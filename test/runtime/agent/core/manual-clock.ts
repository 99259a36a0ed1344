// A clock the test moves by hand: timers fire in time order as it advances, and after each one
// the test's `settle` runs (the reconciler's idle()), so a restart that a timer asked for has
// happened before the clock moves on. No wall-clock waits.
import type { AgentClock } from '../../../../src/runtime/agent/agent-clock.js';

interface Timer {
  atMs: number;
  sequence: number;
  run: () => void;
  cancelled: boolean;
}

export class ManualClock implements AgentClock {
  private nowMs = Date.UTC(2024, 0, 15, 8, 0, 0);
  private timers: Timer[] = [];
  private sequence = 0;

  constructor(private readonly settle: () => Promise<void> = async () => {}) {}

  now(): number {
    return this.nowMs;
  }

  setTimer(run: () => void, ms: number): () => void {
    const timer: Timer = { atMs: this.nowMs + Math.max(0, ms), sequence: ++this.sequence, run, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  }

  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  async advance(ms: number): Promise<void> {
    const target = this.nowMs + ms;
    for (;;) {
      this.timers = this.timers.filter((timer) => !timer.cancelled);
      const due = this.timers.filter((timer) => timer.atMs <= target).sort((a, b) => a.atMs - b.atMs || a.sequence - b.sequence)[0];
      if (!due) break;
      this.timers.splice(this.timers.indexOf(due), 1);
      this.nowMs = Math.max(this.nowMs, due.atMs);
      due.run();
      await this.settle();
    }
    this.nowMs = target;
    await this.settle();
  }

  /** Delays (from now) of the timers still pending, soonest first. */
  pendingDelays(): number[] {
    return this.timers
      .filter((timer) => !timer.cancelled)
      .map((timer) => timer.atMs - this.nowMs)
      .sort((a, b) => a - b);
  }
}
