// How long and how often the fault tests run, and where their randomness comes from. CI runs the
// bounded defaults; EDGEWISE_FAULT_RUNS (repetitions) and EDGEWISE_FAULT_SECONDS (durations) give
// the long forms, and EDGEWISE_FAULT_SEED replays another sequence of fault moments (every
// test prints the seed it used, so a red run can be replayed exactly).

/** The repetitions a test runs: EDGEWISE_FAULT_RUNS when set, else its CI default. */
export function faultRuns(ciDefault: number): number {
  return positiveSetting('EDGEWISE_FAULT_RUNS') ?? ciDefault;
}

/** The seconds a test lasts: EDGEWISE_FAULT_SECONDS when set, else its CI default. */
export function faultSeconds(ciDefault: number): number {
  return positiveSetting('EDGEWISE_FAULT_SECONDS') ?? ciDefault;
}

export function faultSeed(testDefault: number): number {
  return positiveSetting('EDGEWISE_FAULT_SEED') ?? testDefault;
}

function positiveSetting(name: string): number | undefined {
  const text = process.env[name];
  if (text === undefined || text === '') return undefined;
  const value = Math.floor(Number(text));
  if (!Number.isFinite(value) || value < 1) throw new Error(`${name}=${text} is not a whole number above 0`);
  return value;
}

/** A whole number of milliseconds in [min, max]. */
export function between(random: () => number, min: number, max: number): number {
  return Math.round(min + random() * (max - min));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
