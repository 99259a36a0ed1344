// Focused behaviour of the condition lexer and parser: token offsets, operator precedence,
// edgeHub's error alternatives, ignored trailing text, error positions, grammar surprises, the
// nesting limit, and parsing cost (counted, never timed).
import { describe, expect, it } from 'vitest';
import { lex, parseCondition, TokenType, type ConditionNode } from '../../src/routes/index.js';
import type { ParseCost } from '../../src/routes/condition-parser.js';
import { LookaheadBudget } from '../../src/routes/ll-predictor.js';
import { parseTreeText } from './conformance-support.js';

function tree(text: string): string {
  const result = parseCondition(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return parseTreeText(result.ast);
}

function ast(text: string): ConditionNode | null {
  const result = parseCondition(text);
  if (!result.ok) throw new Error(`${text}: ${result.error.message}`);
  return result.ast;
}

describe('lexer', () => {
  it('gives 0-based offsets and drops whitespace and comments', () => {
    const { tokens, comments } = lex("a!='x' AND /* c */ temp+1");
    expect(tokens.map((t) => [t.type, t.text, t.offset, t.end])).toEqual([
      [TokenType.ID, 'a!', 0, 2],
      [TokenType.EQ, '=', 2, 3],
      [TokenType.STRING, "'x'", 3, 6],
      [TokenType.AND, 'AND', 7, 10],
      [TokenType.ID, 'temp+1', 19, 25],
      [TokenType.EOF, '<EOF>', 25, 25],
    ]);
    expect(comments.map((t) => t.text)).toEqual(['/* c */']);
  });

  it('takes the longest match, and the earlier rule on a tie', () => {
    const types = (text: string): TokenType[] => lex(text).tokens.slice(0, -1).map((t) => t.type);
    expect(types('true')).toEqual([TokenType.TRUE]);
    expect(types('TRUE')).toEqual([TokenType.ID]); // literals are lower-case only
    expect(types('trueish')).toEqual([TokenType.ID]);
    expect(types('-4')).toEqual([TokenType.INTEGER_LITERAL]);
    expect(types('-key1')).toEqual([TokenType.ID]);
    expect(types('e5')).toEqual([TokenType.REAL_LITERAL]);
    expect(types("'a'||'b'")).toEqual([TokenType.ID]);
    expect(types("'a' || 'b'")).toEqual([TokenType.STRING, TokenType.CONCAT, TokenType.STRING]);
    expect(types('$body.a[0]')).toEqual([TokenType.SYS_PROP]);
    expect(types('[0]')).toEqual([TokenType.QUERY_PATH]);
    expect(types('FroM aNd')).toEqual([TokenType.FROM, TokenType.AND]);
  });
});

describe('precedence', () => {
  it('binds * / % over + - ||, over comparisons, over = != <>, over AND, over OR, over ??', () => {
    expect(tree('a ?? b or c and d = e < f + g * h')).toBe(
      '(condition (expr (expr a) ?? (expr (expr b) or (expr (expr c) and (expr (expr d) = (expr (expr e) < (expr (expr f) + (expr (expr g) * (expr h)))))))))',
    );
  });

  it('is left-associative', () => {
    expect(tree('1 - 2 - 3')).toBe('(condition (expr (expr (expr (literal 1)) - (expr (literal 2))) - (expr (literal 3))))');
  });

  it('binds NOT and unary minus tighter than any binary operator', () => {
    expect(ast('not a = b')).toMatchObject({ kind: 'binary', op: '=', left: { kind: 'unary', op: 'not' } });
    expect(ast('- a * b')).toMatchObject({ kind: 'binary', op: '*', left: { kind: 'unary', op: '-' } });
  });
});

describe("edgeHub's error alternatives", () => {
  it('reads an unclosed parenthesis, an extra one after a group or a call, and unknown symbols', () => {
    expect(ast('(a = 1')).toMatchObject({ kind: 'missingParen', parenSpan: { offset: 0, length: 1 }, inner: { kind: 'binary' } });
    expect(ast('(a))')).toMatchObject({ kind: 'extraParen', parenSpan: { offset: 3, length: 1 }, inner: { kind: 'group' } });
    expect(ast('f(x))')).toMatchObject({ kind: 'extraParen', inner: { kind: 'call', name: 'f' } });
    expect(ast('3 = @ 3')).toMatchObject({ kind: 'binary', right: { kind: 'invalidSymbol', symbol: '@', right: { kind: 'literal' } } });
    expect(ast('a ; b')).toMatchObject({ kind: 'invalidSymbol', symbol: ';', left: { kind: 'property' }, right: { kind: 'property' } });
  });

  it('still rejects what ANTLR rejects', () => {
    // SLL lookahead gives up at the end before full LL could read `as_number` as a property.
    expect(parseCondition('as_number("2" = 24')).toMatchObject({ ok: false, error: { offset: 18, length: 0 } });
    expect(parseCondition("{key1} = 'x'")).toMatchObject({ ok: false, error: { offset: 1, length: 4 } });
    expect(parseCondition("key1 == 'x'")).toMatchObject({ ok: false, error: { offset: 6 } });
    expect(parseCondition('a @')).toMatchObject({ ok: false, error: { offset: 3 } });
  });
});

describe('trailing text', () => {
  it('stops at the end of the first complete expression, as edgeHub does', () => {
    expect(parseCondition('true false')).toMatchObject({ ok: true, trailingText: { text: 'false', offset: 5 } });
    expect(parseCondition('3 -4')).toMatchObject({ ok: true, ast: { kind: 'literal', value: 3 }, trailingText: { text: '-4', offset: 2 } });
    expect(parseCondition('a = 1').ok && parseCondition('a = 1')).not.toHaveProperty('trailingText');
  });
});

describe('offsets inside a larger text', () => {
  it('shifts every span, error and surprise by the given offset', () => {
    const ok = parseCondition('TRUE = x', 100);
    expect(ok).toMatchObject({
      ok: true,
      ast: { span: { offset: 100, length: 8 }, left: { span: { offset: 100, length: 4 } }, opSpan: { offset: 105, length: 1 } },
      surprises: [{ code: 'capitalized-literal', offset: 100 }],
    });
    expect(parseCondition('a = ', 10)).toMatchObject({ ok: false, error: { offset: 14, length: 0 } });
  });
});

describe('surprises', () => {
  it('flags operators glued into names, capitalised literals, numbers .NET cannot read and ignored text', () => {
    const result = parseCondition('temp+1>30 AND Null = e5 extra');
    expect(result.surprises.map((s) => [s.code, s.text, s.offset])).toEqual([
      ['operator-in-identifier', 'temp+1', 0],
      ['capitalized-literal', 'Null', 14],
      ['unparsable-number', 'e5', 21],
      ['ignored-trailing-text', 'extra', 24],
    ]);
  });

  it('does not flag ordinary names', () => {
    expect(parseCondition("deviceType = 'thermostat' AND $connectionDeviceId = 'd1'").surprises).toEqual([]);
  });
});

describe('literals', () => {
  it('decodes numbers and strings as edgeHub does', () => {
    expect(ast('0100')).toMatchObject({ literal: 'number', value: 100 });
    expect(ast('0xDeadBeef')).toMatchObject({ literal: 'number', value: 3735928559 });
    expect(ast('0xFFFFFFFFFFFFFFFF')).toMatchObject({ literal: 'number', value: -1 }); // a 64-bit long
    expect(ast('e5')).toMatchObject({ literal: 'number', unparsable: true });
    expect(ast('"he said, \\"Tch\\u00FCss!\\""')).toMatchObject({ literal: 'string', value: 'he said, "Tchüss!"' });
    expect(ast("'a\\\\u0041'")).toMatchObject({ value: 'a\\A' }); // \uXXXX is replaced before \\
  });
});

describe('deep nesting', () => {
  const nested = (depth: number) => `${'('.repeat(depth)}$body.temperature > 30${')'.repeat(depth)}`;

  it('parses 1,000 nested parentheses into 1,000 nested groups', () => {
    let node = ast(nested(1000));
    let depth = 0;
    while (node?.kind === 'group') {
      node = node.expr;
      depth++;
    }
    expect(depth).toBe(1000);
    expect(node).toMatchObject({ kind: 'binary', op: '>', left: { kind: 'systemProperty', name: '$body.temperature' } });
  });

  it('refuses a 1,001st level at its parenthesis, saying what the limit is and what to do', () => {
    const result = parseCondition(nested(1001));
    expect(result).toMatchObject({ ok: false, error: { offset: 1000, length: 1 } });
    if (!result.ok) expect(result.error.message).toMatch(/more than 1000 levels deep.*Flatten it/);
  });

  it('counts prefix operators applied to each other as levels, since they nest the same way', () => {
    expect(ast(`${'NOT '.repeat(1000)}true`)).toMatchObject({ kind: 'unary', op: 'not' });
    expect(parseCondition(`${'NOT '.repeat(1001)}true`)).toMatchObject({ ok: false, error: { offset: 4000 } });
    expect(parseCondition(`${'- ('.repeat(500)}1${')'.repeat(500)}`).ok).toBe(true); // 500 parentheses, each under a '-'
    expect(parseCondition(`${'- ('.repeat(501)}1${')'.repeat(501)}`).ok).toBe(false);
    expect(parseCondition(Array.from({ length: 2000 }, (_, i) => `a${i} = -${i}`).join(' OR ')).ok).toBe(true); // long, not deep
  });
});

// Cost is counted, not timed: the tokens the parser looks at plus ANTLR-style lookahead steps.
// Doubling the length of a condition may at most double its cost (with 10% slack for the
// constant part), whatever its shape.
describe('cost', () => {
  function cost(text: string): number {
    const counted: ParseCost = { tokenVisits: 0, lookaheadSteps: 0 };
    parseCondition(text, 0, counted);
    return counted.tokenVisits + counted.lookaheadSteps;
  }

  function expectLinear(make: (n: number) => string): void {
    for (const n of [25, 50, 100, 200]) expect(cost(make(2 * n)), `n = ${n}: ${make(2).slice(0, 60)}`).toBeLessThanOrEqual(2.2 * cost(make(n)) + 50);
  }

  it('grows linearly for well-formed conditions, however deeply nested', () => {
    expectLinear((n) => `${'('.repeat(n)}a = 1${')'.repeat(n)}`);
    expectLinear((n) => `${'f('.repeat(n)}a${')'.repeat(n)}`);
    expectLinear((n) => `${'NOT '.repeat(n)}a`);
    expectLinear((n) => Array.from({ length: n }, (_, i) => `(p${i} = 'v' OR f${i}(as_number(q${i}), 'x'))`).join(' AND '));
    expectLinear((n) => Array.from({ length: n }, (_, i) => `(p${i} = 'v' AND `).join('') + 'x = 1' + ')'.repeat(n));
  });

  it('grows linearly for conditions that are malformed in one place', () => {
    // Each needs ANTLR's lookahead to recover (a missing or an extra ')', a stray character,
    // text edgeHub ignores), but the lookahead settles near each decision.
    expectLinear((n) => Array.from({ length: n }, (_, i) => `(p${i} = 1)`).join(' AND ') + ' AND (z = 2');
    expectLinear((n) => Array.from({ length: n }, (_, i) => `(p${i} = 1)`).join(' AND ') + ')');
    expectLinear((n) => Array.from({ length: n }, (_, i) => `@ p${i} = f(q${i})`).join(' AND '));
    expectLinear((n) => Array.from({ length: n }, (_, i) => `p${i} = 1`).join(' AND ') + ' x');
  });

  it('stops ANTLR-style lookahead at its budget on deeply nested malformed text, and says where the problem is', () => {
    // An extra ')' after 300 levels: every '(' could be the one edgeHub's parser reads as `(x))`.
    const text = `${'('.repeat(300)}a = 1${')'.repeat(301)}`;
    const counted: ParseCost = { tokenVisits: 0, lookaheadSteps: 0 };
    const result = parseCondition(text, 0, counted);
    expect(result).toMatchObject({ ok: false, error: { offset: text.length - 1 } });
    if (!result.ok) expect(result.error.message).toMatch(/too large for edgewise to work out how edgeHub's parser recovers/);
    const tokens = lex(text).tokens.length;
    expect(counted.lookaheadSteps).toBeLessThanOrEqual(LookaheadBudget.limit(tokens));
  });
});
