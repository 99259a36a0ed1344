// Whether one sender's numbered messages reached the cloud whole and in order. IoT Edge delivers
// at least once: the hub re-sends a lane from its first message the cloud had not acknowledged
// when the link went down (upstream-pump.ts), sends a module again the inputs it had not
// acknowledged when its connection closed (module-inputs.ts), and a device restarted mid-send
// sends again what it had not seen acknowledged. So a number may arrive more than once, but only
// as such a re-send: a step back to a number already received, going on from there one by one.
// Anything else is a fault: a number owed and never received (a gap), one first received after a
// higher one (reordered), or a repeat that jumps ahead within what was already received.

export interface NumberedArrival {
  /** The distinct numbers received, ascending. */
  received: number[];
  /** Numbers owed between the first owed and the last received that never arrived. */
  missing: number[];
  /** Numbers received that were not owed. */
  unexpected: number[];
  /** Numbers first received after a higher one. */
  late: number[];
  /** Repeats that are no re-send (neither a step back nor the next after the one before). */
  strayRepeats: number[];
  /** Messages that repeated a number, as a re-send. */
  resent: number;
}

/**
 * Judges `indexes` (in arrival order) against `owed(last)`: the numbers the sender owed up to the
 * last one received, ascending (every integer from its first, for a sender that numbers each
 * message; a selection, for a filter).
 */
export function numberedArrival(indexes: readonly number[], owed: (last: number) => readonly number[]): NumberedArrival {
  const received = [...new Set(indexes)].sort((a, b) => a - b);
  const nextReceived = new Map(received.map((index, position) => [index, received[position + 1]]));
  const seen = new Set<number>();
  const late: number[] = [];
  const strayRepeats: number[] = [];
  let resent = 0;
  let highest = -Infinity;
  let previous: number | undefined;
  for (const index of indexes) {
    if (!seen.has(index)) {
      if (index < highest) late.push(index);
      seen.add(index);
      highest = Math.max(highest, index);
    } else if (previous !== undefined && (index <= previous || nextReceived.get(previous) === index)) {
      resent++;
    } else {
      strayRepeats.push(index);
    }
    previous = index;
  }
  const owedNumbers = received.length === 0 ? [] : owed(received.at(-1)!);
  const owedSet = new Set(owedNumbers);
  return {
    received,
    missing: owedNumbers.filter((index) => !seen.has(index)),
    unexpected: received.filter((index) => !owedSet.has(index)),
    late,
    strayRepeats,
    resent,
  };
}

/** Every number from `first` to `last`: what a sender that numbers each message owes. */
export function everyNumber(first: number): (last: number) => number[] {
  return (last) => Array.from({ length: Math.max(0, last - first + 1) }, (_, offset) => first + offset);
}

/** What went wrong, one clause per kind of fault ("missing 12, 13; out of order 17"); empty when nothing did. */
export function arrivalFaults(arrival: NumberedArrival): string {
  const clauses: [string, number[]][] = [
    ['missing', arrival.missing],
    ['not owed', arrival.unexpected],
    ['out of order', arrival.late],
    ['repeated outside a re-send', arrival.strayRepeats],
  ];
  return clauses
    .filter(([, numbers]) => numbers.length > 0)
    .map(([what, numbers]) => `${what} ${shortList(numbers)}`)
    .join('; ');
}

const LISTED = 8;

function shortList(numbers: readonly number[]): string {
  const shown = numbers.slice(0, LISTED).join(', ');
  return numbers.length > LISTED ? `${shown} and ${numbers.length - LISTED} more` : shown;
}
