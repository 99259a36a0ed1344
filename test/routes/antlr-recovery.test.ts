// Conditions and routes that are not well formed, where edgeHub's ANTLR parser recovers through
// its ambiguous error alternatives (`( expr` without ')', `(expr))`, `f(x))`, `@ expr`) and
// adaptive prediction (ll-predictor.ts): which alternative it takes, what it leaves unread, or
// where it reports the error. The expected results in test/fixtures/routes/antlr-recovery.json
// were recorded from the previous parser, which emulated ANTLR's prediction on edgeHub's grammar
// network state by state (commit df057b1, in agreement with every record of the edgeHub
// conformance data). The cases were picked from all short token sequences so that each kind of
// outcome appears, plus deeper shapes and malformed conditions like those people write.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { parseCondition, parseRoute } from '../../src/routes/index.js';
import { parseTreeText } from './conformance-support.js';

type Case =
  | { condition: string; tree: string; ignored?: string }
  | { condition: string; errorOffset: number }
  | { route: string; condition: string; ignored?: string }
  | { route: string; errorOffset: number };

const CASES = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'routes', 'antlr-recovery.json'), 'utf8')) as Case[];

function outcome(c: Case): object {
  if ('route' in c) {
    const parsed = parseRoute(c.route);
    if (!parsed.ok) return { route: c.route, errorOffset: parsed.error.offset };
    return { route: c.route, condition: parsed.route.conditionText, ...(parsed.route.trailingText ? { ignored: parsed.route.trailingText.text } : {}) };
  }
  const parsed = parseCondition(c.condition);
  if (!parsed.ok) return { condition: c.condition, errorOffset: parsed.error.offset };
  return { condition: c.condition, tree: parseTreeText(parsed.ast), ...(parsed.trailingText ? { ignored: parsed.trailingText.text } : {}) };
}

it('recovers from malformed conditions and routes exactly as the state-by-state emulation did', () => {
  expect(CASES.length).toBeGreaterThan(400);
  const differing = CASES.filter((c) => JSON.stringify(outcome(c)) !== JSON.stringify(c)).map((c) => `${JSON.stringify(c)}\n  got ${JSON.stringify(outcome(c))}`);
  expect(differing, differing.join('\n')).toEqual([]);
});
