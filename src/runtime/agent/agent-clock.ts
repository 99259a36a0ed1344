// Time as the reconciler sees it: the current time and one-shot timers. Injected so tests drive
// back-off and restarts with a manual clock instead of waiting on the wall clock.

export interface AgentClock {
  now(): number;
  /** Runs `run` once after `ms`; returns the cancel. */
  setTimer(run: () => void, ms: number): () => void;
}

export const SYSTEM_CLOCK: AgentClock = {
  now: () => Date.now(),
  setTimer(run, ms) {
    const timer = setTimeout(run, ms);
    // A pending restart must not keep a process alive that has nothing else to do.
    timer.unref();
    return () => clearTimeout(timer);
  },
};
