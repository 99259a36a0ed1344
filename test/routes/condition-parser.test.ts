// Focused behaviour of the condition lexer and parser: token offsets, operator precedence,
// edgeHub's error alternatives, ignored trailing text, error positions and grammar surprises.
import { describe, expect, it } from 'vitest';
import { lex, parseCondition, TokenType, type ConditionNode } from '../../src/routes/index.js';
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

describe('speed', () => {
  it('parses deeply nested and long conditions quickly', () => {
    const start = performance.now();
    expect(parseCondition(`${'('.repeat(20)}a = 1${')'.repeat(20)}`).ok).toBe(true);
    const chain = Array.from({ length: 10 }, (_, i) => `(p${i} = 'v' or f${i}(as_number(q${i}), 'x'))`).join(' and ');
    expect(parseCondition(chain).ok).toBe(true);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
