// The shortcut alternative-choice.ts rests on: when a condition parses to its end with the
// ordinary choices (no lookahead), ANTLR's prediction makes the same choices. Checked on every
// condition and route of the edgeHub conformance data, and on edgeHub's own error
// alternatives written in well-formed places.
import { expect, it } from 'vitest';
import { PredictedChoices, WellFormedChoices, type AlternativeChoices } from '../../src/routes/alternative-choice.js';
import { ConditionTokenParser } from '../../src/routes/condition-parser.js';
import { lex, type ConditionNode } from '../../src/routes/index.js';
import { loadRecords } from './conformance-support.js';

/** The tree when the choices read the whole condition; undefined when they stop early. */
function completeParse(text: string, choices: (tokens: ReturnType<typeof lex>['tokens']) => AlternativeChoices): ConditionNode | null | undefined {
  const { tokens } = lex(text);
  const parser = new ConditionTokenParser(tokens, 0, choices(tokens));
  try {
    const ast = parser.parseCondition();
    return parser.position === tokens.length - 1 ? ast : undefined;
  } catch {
    return undefined;
  }
}

function texts(): string[] {
  const conditions = loadRecords<{ condition?: string | null; expression?: string }>('conditions.json').map(({ record }) => record.condition ?? record.expression ?? '');
  const probes = loadRecords<{ kind: string; input: string }>('grammar-probes.json').filter(({ record }) => record.kind === 'condition').map(({ record }) => record.input);
  const routes = loadRecords<{ route: string }>('routes-parse.json')
    .map(({ record }) => /\bWHERE\b(.*)\bINTO\b/i.exec(record.route)?.[1])
    .filter((text): text is string => text !== undefined);
  // edgeHub's error alternatives in places where the ordinary reading is the whole story.
  const alternatives = ['@ a = 1', 'a = @ b', '(a) = (b) @ c', "f(x) = 'y' AND @", 'NOT @ (a = 1)', "{$connectionDeviceId} = 'd1'", "- 'a'"];
  return [...new Set([...conditions, ...probes, ...routes, ...alternatives])];
}

it('makes the same choices as ANTLR-style prediction whenever the ordinary reading reaches the end', () => {
  let compared = 0;
  for (const text of texts()) {
    const ordinary = completeParse(text, (tokens) => new WellFormedChoices(tokens));
    if (ordinary === undefined) continue;
    compared++;
    expect(completeParse(text, (tokens) => new PredictedChoices(tokens, false)), text).toEqual(ordinary);
  }
  expect(compared).toBeGreaterThan(1000);
});
