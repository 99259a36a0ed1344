// Waiting for something the demo expects to happen: polled, with a deadline. A deadline that
// passes is not an error here but a check that did not hold, so the demo goes on and reports it;
// a stop (Ctrl-C) ends the wait at once.

/** How often a condition is looked at again. */
const POLL_MS = 100;

/** The first value `probe` gives that is neither undefined nor false; undefined when the deadline passes or `signal` aborts first. */
export async function waitUntil<T>(probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, signal?: AbortSignal): Promise<T | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (signal?.aborted) return undefined;
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() >= deadline) return undefined;
    await pause(POLL_MS, signal);
  }
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
