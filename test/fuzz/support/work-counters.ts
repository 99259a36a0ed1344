// Counting the work a parser does, so that "linear in time" is checked without a clock: the
// route language's token visits and lookahead steps over every parser at once (route and
// condition), and the characters a reader of one string examines.
import { LookaheadBudget } from '../../../src/routes/ll-predictor.js';
import { TokenCursor } from '../../../src/routes/token-cursor.js';

export interface RouteWork {
  tokenVisits: number;
  lookaheadSteps: number;
}

type Look = (this: TokenCursor, k?: number) => unknown;
type Charge = (this: LookaheadBudget, steps: number) => void;

/**
 * Runs `work` while every token look-at (TokenCursor.la, which both parsers go through) and every
 * lookahead step charged to a budget is counted. parseRoute takes no cost argument, so the
 * counters sit on the prototypes for the duration of the call.
 */
export function countRouteWork<T>(work: () => T): {
  result: T;
  work: RouteWork;
} {
  const counted: RouteWork = { tokenVisits: 0, lookaheadSteps: 0 };
  const cursor = TokenCursor.prototype as unknown as { la: Look };
  const budget = LookaheadBudget.prototype as unknown as { charge: Charge };
  const look = cursor.la;
  const charge = budget.charge;
  cursor.la = function (this: TokenCursor, k?: number) {
    counted.tokenVisits++;
    return look.call(this, k);
  };
  budget.charge = function (this: LookaheadBudget, steps: number) {
    charge.call(this, steps);
    counted.lookaheadSteps += steps;
  };
  try {
    return { result: work(), work: counted };
  } finally {
    cursor.la = look;
    budget.charge = charge;
  }
}

/**
 * A string that counts the characters code examines: one per index read or charCodeAt, and the
 * distance searched by indexOf (test/hardening/linear-cost.test.ts counts with it too). Other
 * methods run on the plain string.
 */
export function countingText(text: string, counter: { chars: number }): string {
  const boxed = new String(text);
  return new Proxy(boxed, {
    get(target, key) {
      if (key === 'charCodeAt') return (at: number) => (counter.chars++, text.charCodeAt(at));
      if (key === 'indexOf') {
        return (search: string, from = 0) => {
          const found = text.indexOf(search, from);
          counter.chars += (found === -1 ? text.length : found) - from + 1;
          return found;
        };
      }
      if (typeof key === 'string' && /^\d+$/.test(key)) counter.chars++;
      const value = Reflect.get(target, key);
      return typeof value === 'function' ? value.bind(text) : value;
    },
  }) as unknown as string;
}
