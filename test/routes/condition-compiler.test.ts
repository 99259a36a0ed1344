// Focused behaviour of compileCondition: error order and ranges, options that mirror edgeHub's
// compiler flags and route sources, and expressions .NET cannot build.
import { describe, expect, it } from 'vitest';
import { compileCondition, compileRoute, type CompileError } from '../../src/routes/index.js';

function errors(text: string, options = {}): CompileError[] {
  const result = compileCondition(text, options);
  if (result.ok) throw new Error(`${text} compiled`);
  return result.errors;
}

describe('errors', () => {
  it('reports every error in edgeHub order, with 1-based ranges per line', () => {
    const found = errors('a = 1 AND\n  b + 1 = 2');
    expect(found.map((e) => [e.category, e.offset, e.range])).toEqual([
      ['type', 2, { start: { line: 1, column: 3 }, end: { line: 1, column: 4 } }],
      ['type', 14, { start: { line: 2, column: 5 }, end: { line: 2, column: 6 } }],
      ['type', 18, { start: { line: 2, column: 9 }, end: { line: 2, column: 10 } }],
    ]);
  });

  it("caps the end column at the line length + 2, as edgeHub's listener does", () => {
    expect(errors('as_number("2" = 24')[0]!.range).toEqual({ start: { line: 1, column: 19 }, end: { line: 1, column: 20 } });
  });

  it('reports offsets in route positions when given an offset', () => {
    expect(errors("3 + '4' = 7", { offset: 21 })[0]).toMatchObject({ offset: 23, length: 1, range: { start: { line: 1, column: 3 } } });
  });

  it('names the accepted signatures when a call does not fit', () => {
    expect(errors('as_number(true) = true')[0]!.message).toBe(
      "Invalid arguments to built-in function 'as_number': as_number(bool); it accepts as_number(string), as_number(number).",
    );
  });

  it('does not visit the arguments of an unknown function', () => {
    expect(errors('nope(@)')).toHaveLength(1);
  });
});

describe('options', () => {
  it("refuses twin_change_includes in deployment routes, as edgeHub's RouteFactory source makes it", () => {
    expect(errors('twin_change_includes(properties.reported.x)')[0]).toMatchObject({ category: 'function', offset: 0, length: 20 });
    expect(compileCondition('twin_change_includes(properties.reported.x)', { twinChangeSource: true }).ok).toBe(true);
    expect(compileRoute('FROM /twinChangeNotifications WHERE twin_change_includes(properties.reported.x) INTO $upstream')).toMatchObject({ ok: false, stage: 'condition' });
  });

  it('reads $body as a system property when body queries are off', () => {
    expect(errors('$body.temp > 30', { bodyQuery: false })[0]!.message).toMatch(/have 'string' and 'number'/);
    expect(compileCondition('$body.temp > 30').ok).toBe(true);
  });

  it('checks $body paths at compile time', () => {
    expect(errors('$body.a[] > 30')[0]).toMatchObject({ category: 'function', offset: 0 });
    expect(compileCondition('$body.a[0]x = 1').ok).toBe(true); // edgeHub validates only the prefix
  });
});

describe('expressions .NET cannot build', () => {
  it('reports one unsupported error at the operator', () => {
    expect(errors('- $body.x')).toEqual([expect.objectContaining({ category: 'unsupported', offset: 0 })]);
    expect(errors('$body.x % 2')).toEqual([expect.objectContaining({ category: 'unsupported', offset: 8 })]);
    expect(errors('null and undefined')).toEqual([expect.objectContaining({ category: 'unsupported', offset: 5 })]);
    expect(errors('$body.x AND null')).toEqual([expect.objectContaining({ category: 'unsupported', offset: 8 })]);
  });

  it('treats -$body.x without a space as a property name, like edgeHub', () => {
    expect(compileCondition('-$body.x')).toMatchObject({ ok: true, condition: { resultType: 'string' } });
  });
});

describe('type quirks edgeHub has', () => {
  it('accepts a $body value on the left of AND but not on the right', () => {
    expect(compileCondition("$body.flag AND 'text'").ok).toBe(true);
    expect(errors('true AND $body.flag')[0]!.category).toBe('type');
  });

  it('refuses NOT undefined but accepts NOT null', () => {
    expect(errors('not undefined')[0]!.category).toBe('type');
    expect(compileCondition('not null').ok).toBe(true);
  });
});
