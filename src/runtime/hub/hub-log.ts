// The hub's log: one line per event, stamped with the time, handed to a writer the caller gives
// (the CLI writes to stderr; the runtime never prints). A line that repeats (a full disk refuses
// every publish, a cut link fails every send) is written once per window, then once more with how
// many times it came meanwhile, so a burst of 10,000 refusals is two lines, not 10,000.

export type HubLog = (line: string) => void;

export interface HubLogOptions {
  now?: () => number;
  /** How long an identical line stays quiet after it was written (default 10 s). */
  repeatWindowMs?: number;
}

const DEFAULT_REPEAT_WINDOW_MS = 10_000;
/** Lines remembered for repeat counting; beyond this the oldest are forgotten. */
const REMEMBERED_LINES = 256;

interface Seen {
  writtenAtMs: number;
  suppressed: number;
}

export function createHubLog(write: (text: string) => void, options: HubLogOptions = {}): HubLog {
  const now = options.now ?? Date.now;
  const windowMs = options.repeatWindowMs ?? DEFAULT_REPEAT_WINDOW_MS;
  const seen = new Map<string, Seen>();
  return (line) => {
    const at = now();
    const earlier = seen.get(line);
    if (earlier && at - earlier.writtenAtMs < windowMs) {
      earlier.suppressed++;
      return;
    }
    const repeats = earlier && earlier.suppressed > 0 ? ` (and ${earlier.suppressed} more time${earlier.suppressed === 1 ? '' : 's'} since the last time this was logged)` : '';
    seen.delete(line); // re-inserted last: the Map's order is then oldest-written first
    seen.set(line, { writtenAtMs: at, suppressed: 0 });
    if (seen.size > REMEMBERED_LINES) seen.delete(seen.keys().next().value!);
    write(`${new Date(at).toISOString()} ${line}${repeats}\n`);
  };
}
