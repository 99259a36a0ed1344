// Rule 4's upstream side (delivery-check.ts): which upstream fault sent each duplicate again. A
// fault can have caused a copy only if the copy came after it and the copy before it was stored
// before the fault, or was still on its way at the fault: stored after it (within the slack), yet
// before the first message the identity sent again after it (the emulator stores what an old
// connection carried before anything a connection opened after the fault carries). And one fault
// causes at most `perFault` copies per identity: what the hub can send again after it. Copies are
// matched to faults by earliest deadline (by the last fault that could have caused them, each to
// the earliest such fault with room left), which matches them all whenever any matching can.

/** A message's second or later copy at the emulator, not explained by a lost device PUBACK. */
export interface Duplicate {
  seq: number;
  /** Position among its identity's arrivals, in the order the emulator stored them. */
  index: number;
  atMs: number;
  /** The copy stored before this one. */
  previous: { index: number; atMs: number };
}

export interface AttributionOptions {
  /** Copies one fault may cause per identity. */
  perFault: number;
  /** How long after a fault a copy on its way at the fault may still be stored. */
  slackMs: number;
}

export interface Attribution {
  /** Copies no fault could have caused. */
  unexplained: Duplicate[];
  /** Copies some fault could have caused, left over once those faults caused all they can. */
  overBound: Duplicate[];
  /** The fewest copies per fault that would explain every copy some fault could have caused (how close to `perFault` a run came). */
  neededPerFault: number;
}

/** The fault may be recorded a moment before the copy's timestamp says it was stored (clock granularity). */
const COPY_TOLERANCE_MS = 5;

/** Matches one identity's duplicates to the upstream faults (sorted, Date.now() moments). */
export function attributeToFaults(duplicates: readonly Duplicate[], sortedFaultsMs: readonly number[], options: AttributionOptions): Attribution {
  const resentFrom = sortedFaultsMs.map((faultMs) => firstResentAfter(duplicates, faultMs));
  const unexplained: Duplicate[] = [];
  const candidates: { duplicate: Duplicate; from: number; through: number }[] = [];
  for (const duplicate of duplicates) {
    const { previous } = duplicate;
    const through = lastIndexAtOrBefore(sortedFaultsMs, duplicate.atMs + COPY_TOLERANCE_MS);
    let from = firstIndexAtOrAfter(sortedFaultsMs, previous.atMs - options.slackMs);
    // A copy before it stored after the fault counts as on its way at it only if stored before that fault's resends.
    while (from <= through && sortedFaultsMs[from]! < previous.atMs && resentFrom[from]! <= previous.index) from += 1;
    if (from > through) unexplained.push(duplicate);
    else candidates.push({ duplicate, from, through });
  }
  candidates.sort((a, b) => a.through - b.through || a.from - b.from);
  const overBound = (perFault: number): Duplicate[] => {
    const load = sortedFaultsMs.map(() => 0);
    const left: Duplicate[] = [];
    for (const { duplicate, from, through } of candidates) {
      let fault = from;
      while (fault <= through && load[fault]! >= perFault) fault += 1;
      if (fault > through) left.push(duplicate);
      else load[fault]! += 1;
    }
    return left.sort((a, b) => a.index - b.index);
  };
  // Whether a capacity explains them all only grows with it: the least that does, by bisection.
  let [fewest, enough] = [0, candidates.length];
  while (fewest < enough) {
    const middle = Math.floor((fewest + enough) / 2);
    if (overBound(middle).length === 0) enough = middle;
    else fewest = middle + 1;
  }
  return { unexplained, overBound: overBound(options.perFault), neededPerFault: enough };
}

/**
 * Where the identity's messages sent again after the fault begin: the first copy whose copy before
 * it was itself stored after the fault (a connection of before the fault sends a message once).
 */
function firstResentAfter(duplicates: readonly Duplicate[], faultMs: number): number {
  let first = Infinity;
  for (const duplicate of duplicates) if (duplicate.previous.atMs >= faultMs) first = Math.min(first, duplicate.index);
  return first;
}

function firstIndexAtOrAfter(sorted: readonly number[], value: number): number {
  let index = 0;
  while (index < sorted.length && sorted[index]! < value) index += 1;
  return index;
}

function lastIndexAtOrBefore(sorted: readonly number[], value: number): number {
  let index = sorted.length - 1;
  while (index >= 0 && sorted[index]! > value) index -= 1;
  return index;
}
