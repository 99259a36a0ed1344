// Focused behaviour of parseRoute: text after the sink, error positions, quotes, keyword case,
// spans a linter maps to file positions, and the surprises it exposes.
import { describe, expect, it } from 'vitest';
import { parseRoute, type ParsedRoute } from '../../src/routes/index.js';

function parsed(text: string): ParsedRoute {
  const result = parseRoute(text);
  if (!result.ok) throw new Error(`expected ${text} to parse: ${result.error.message}`);
  return result.route;
}

function failure(text: string): { message: string; offset: number; length: number; kind: string } {
  const result = parseRoute(text);
  if (result.ok) throw new Error(`expected ${text} to fail`);
  return result.error;
}

describe('text after the sink', () => {
  it('reports a WHERE written after INTO as ignored trailing text, and routes as if it were absent', () => {
    const route = parsed('FROM /messages INTO $upstream WHERE temp > 30');
    expect(route.trailingText).toEqual({ text: 'WHERE temp > 30', offset: 30 });
    expect(route.conditionText).toBe('true');
    expect(route.condition).toBeNull();
    expect(route.sink).toEqual({ kind: 'upstream', name: '$upstream', span: { offset: 20, length: 9 } });
  });

  it('reports text after a function sink with its offset', () => {
    const text = 'FROM /messages INTO BrokeredEndpoint("/modules/m/inputs/i") extra stuff';
    expect(parsed(text).trailingText).toEqual({ text: 'extra stuff', offset: text.indexOf('extra') });
  });

  it('has no trailing text when only spaces or a comment follow', () => {
    expect(parsed('FROM /messages INTO $upstream   ').trailingText).toBeUndefined();
    expect(parsed('FROM /messages INTO $upstream /* note */').trailingText).toBeUndefined();
  });

  it('reports a lone semicolon', () => {
    expect(parsed('FROM /messages INTO $upstream;').trailingText).toEqual({ text: ';', offset: 29 });
  });
});

describe('error positions', () => {
  it('points at the token where the route stops making sense', () => {
    expect(failure('FROM messages INTO $upstream').offset).toBe(5);
    expect(failure('FROM /messages/ INTO $upstream')).toMatchObject({ offset: 16, length: 4 });
    expect(failure('FROM /messages/modules/from/* INTO $upstream').offset).toBe(23);
    expect(failure('FROM /messages WHERE temp == 100 INTO $upstream')).toMatchObject({ offset: 27, length: 1 });
    expect(failure("FROM /messages WHERE a = 'x' b INTO $upstream")).toMatchObject({ offset: 29, length: 1 });
    expect(failure('FROM /messages INTO upstream()').offset).toBe(29);
  });

  it('points at the end of the text, with length 0, when the route stops early', () => {
    expect(failure("FROM /messages WHERE temp = 'high' INTO")).toMatchObject({ offset: 39, length: 0 });
  });

  it('writes one sentence that says what to do', () => {
    expect(failure('FROM /messages/ INTO $upstream').message).toBe("Remove the trailing '/' before 'INTO': edgeHub does not accept a source path ending in '/'.");
    expect(failure('FROM /messages WHERE temp == 100 INTO $upstream').message).toMatch(/^In the WHERE condition, a value is missing before '='; compare with a single '='/);
    expect(failure('FROM /messages/modules/123/* INTO $upstream').message).toMatch(/reads as a number/);
  });

  it('calls an empty route empty rather than a syntax error', () => {
    expect(failure('')).toMatchObject({ kind: 'empty', offset: 0 });
    expect(failure('   /* nothing */ ')).toMatchObject({ kind: 'empty' });
  });
});

describe('quotes and escapes in the sink', () => {
  it('accepts single and double quotes and keeps the other quote inside', () => {
    expect(parsed("FROM /* INTO brokeredEndpoint('/modules/alert\"Logic/inputs/in')").sink).toMatchObject({
      kind: 'function',
      address: '/modules/alert"Logic/inputs/in',
      quote: "'",
    });
    expect(parsed('FROM /* INTO brokeredEndpoint("/modules/m/inputs/i")').sink).toMatchObject({ quote: '"', addressSpan: { offset: 31, length: 19 } });
  });

  it('keeps backslashes: edgeHub does not unescape the address', () => {
    expect(parsed('FROM /messages INTO brokeredEndpoint("/modules/m/inputs/i\\"x")').sink).toMatchObject({ address: '/modules/m/inputs/i\\"x' });
  });

  it('refuses mismatched quotes at the unclosed string', () => {
    const error = failure('FROM /* INTO brokeredEndpoint("/modules/alertLogic/inputs/in\')');
    expect(error.offset).toBe(30);
    expect(error.message).toMatch(/is not closed/);
  });
});

describe('keyword case', () => {
  it('accepts keywords in any case and keeps the sink spelling', () => {
    const route = parsed('select * From /Messages wHeRe true InTo $UPSTREAM');
    expect(route.select).toBe(true);
    expect(route.source).toBe('/Messages');
    expect(route.conditionText).toBe('true');
    expect(route.sink).toMatchObject({ kind: 'upstream', name: '$UPSTREAM' });
  });

  it('treats other $names as system sinks the endpoint factory will refuse', () => {
    expect(parsed('FROM /messages INTO $upstream2').sink).toMatchObject({ kind: 'system', name: '$upstream2' });
  });
});

describe('positions of the parts', () => {
  it('gives the source and condition spans in route offsets, and the condition tree in route offsets', () => {
    const text = "FROM /messages/* WHERE $connectionDeviceId = 'device1' INTO $upstream";
    const route = parsed(text);
    expect(route.sourceSpan).toEqual({ offset: 5, length: 11 });
    expect(route.conditionSpan).toEqual({ offset: 23, length: 31 });
    expect(route.condition).toMatchObject({
      kind: 'binary',
      op: '=',
      opSpan: { offset: 43, length: 1 },
      left: { kind: 'systemProperty', name: '$connectionDeviceId', span: { offset: 23, length: 19 } },
    });
  });

  it('keeps a condition edgeHub parses but cannot compile', () => {
    const route = parsed("FROM /messages WHERE (a = 'x' INTO $upstream");
    expect(route.conditionText).toBe("(a = 'x'");
    expect(route.condition).toMatchObject({ kind: 'missingParen', parenSpan: { offset: 21, length: 1 } });
  });
});

describe('surprises', () => {
  it('explains a source with a space, a star suffix and a star in the middle', () => {
    const codes = (text: string): string[] => parsed(text).surprises.map((s) => s.code);
    expect(codes('FROM /messages/modules/m1 /outputs/o1 INTO $upstream')).toEqual(['space-inside-source']);
    expect(codes('FROM /messages/modules/m1* INTO $upstream')).toEqual(['star-suffix-in-source']);
    expect(codes('FROM /messages/modules/*/outputs/o1 INTO $upstream')).toEqual(['star-inside-source']);
    expect(codes('FROM /messages/modules/m1/* INTO $upstream')).toEqual([]);
  });

  it('explains operators glued to names and capitalised literals in the condition, at route offsets', () => {
    const route = parsed('FROM /messages WHERE temp+1>30 AND TRUE INTO $upstream');
    expect(route.surprises).toEqual([
      expect.objectContaining({ code: 'operator-in-identifier', offset: 21, length: 6, text: 'temp+1' }),
      expect.objectContaining({ code: 'capitalized-literal', offset: 35, length: 4, text: 'TRUE' }),
    ]);
  });
});

describe('nesting guard', () => {
  // 1,000 levels is what the stack holds on every path (test/routes/deep-conditions.test.ts).
  it('parses 1,000 nested levels and refuses the 1,001st at its parenthesis', () => {
    const at = (depth: number) => `FROM /messages/* WHERE ${'('.repeat(depth)}a = 1${')'.repeat(depth)} INTO $upstream`;
    expect(parseRoute(at(1000)).ok).toBe(true);
    expect(parseRoute(at(1001))).toMatchObject({ ok: false, error: { kind: 'too-complex', offset: 'FROM /messages/* WHERE '.length + 1000 } });
  });
});
