// Focused behaviour of evaluation: three-valued verdicts, property lookups, body decoding and
// lookups (dates, encodings, content type), .NET conversions, and whole routes for a router.
import { describe, expect, it } from 'vitest';
import {
  compileCondition,
  compileRoute,
  evaluateCondition,
  evaluateExpression,
  prepareMessage,
  queryMessageBody,
  type CompiledCondition,
  type RouteMessage,
} from '../../src/routes/index.js';
import { utf16le, utf32le } from './conformance-support.js';

function compiled(text: string): CompiledCondition {
  const result = compileCondition(text);
  if (!result.ok) throw new Error(`${text}: ${result.errors[0]!.message}`);
  return result.condition;
}

const json = (body: string, encoding = 'utf-8'): RouteMessage => ({
  systemProperties: { contentType: 'application/json', contentEncoding: encoding },
  body: encoding === 'utf-16' ? utf16le(body) : encoding === 'utf-32' ? utf32le(body) : body,
});

describe('verdicts', () => {
  it('is undefined for a missing property and follows three-valued logic', () => {
    const message = { appProperties: { Level: 'high' } };
    expect(evaluateCondition(compiled("level = 'high'"), message)).toBe(true); // names ignore case
    expect(evaluateCondition(compiled("missing = 'x'"), message)).toBeUndefined();
    expect(evaluateCondition(compiled("missing = 'x' OR level = 'high'"), message)).toBe(true);
    expect(evaluateCondition(compiled("missing = 'x' AND level = 'low'"), message)).toBe(false);
    expect(evaluateCondition(compiled("NOT (missing = 'x')"), message)).toBeUndefined();
  });

  it('prefers an application property spelled with $ over the system property', () => {
    const message = { appProperties: { $sys4: 'app' }, systemProperties: { sys4: 'system' } };
    expect(evaluateCondition(compiled("$sys4 = 'app'"), message)).toBe(true);
    expect(evaluateCondition(compiled("{$sys4} = 'system'"), message)).toBe(true);
  });

  it('turns strings and numbers into undefined verdicts and null into false', () => {
    expect(evaluateCondition(compiled("'text'"), {})).toBeUndefined();
    expect(evaluateCondition(compiled('3'), {})).toBeUndefined();
    expect(evaluateCondition(compiled('null'), {})).toBe(false);
    expect(evaluateCondition(compiled(''), {})).toBeUndefined();
  });
});

describe('.NET conversions', () => {
  it('parses numbers with NumberStyles.Any in as_number', () => {
    const value = (s: string): unknown => evaluateExpression(compiled('as_number(v)'), { appProperties: { v: s } });
    expect(value('1,000')).toBe(1000);
    expect(value('(5)')).toBe(-5);
    expect(value(' 12.5e1 ')).toBe(125);
    expect(value('5-')).toBe(-5);
    expect(value('abc')).toBeUndefined();
  });

  it('maps case one character at a time, as ToUpperInvariant does', () => {
    expect(evaluateExpression(compiled("upper('straße')"), {})).toBe('STRAßE');
    expect(evaluateExpression(compiled("lower('ÀB')"), {})).toBe('àb');
  });

  it('keeps substring, power and sign in line with .NET', () => {
    expect(evaluateExpression(compiled("substring('hello', 1.9)"), {})).toBe('ello');
    expect(evaluateExpression(compiled("substring('abc', 3)"), {})).toBe('');
    expect(evaluateExpression(compiled("substring('abc', 4)"), {})).toBeUndefined();
    expect(evaluateExpression(compiled('power(-1, 1 / 0)'), {})).toBe(1); // IEEE pow, where JavaScript says NaN
    expect(evaluateExpression(compiled('power(1, 0 / 0)'), {})).toBeUndefined(); // NaN arguments are undefined
    expect(Object.is(evaluateExpression(compiled('sign(-0.0)'), {}), 0)).toBe(true);
  });
});

describe('body lookups', () => {
  const body = '{"t": 50, "when": "2017-03-09T00:00:00.000Z", "n": null, "list": [1, 2], /* note */ \'q\': \'single\'}';

  it('reads utf-8, utf-16 and utf-32 bodies', () => {
    for (const encoding of ['utf-8', 'UTF-16', 'utf-32']) {
      expect(evaluateCondition(compiled('$body.t = 50'), json(body, encoding.toLowerCase()))).toBe(true);
    }
  });

  it('treats ISO dates as values edgeHub cannot compare', () => {
    expect(evaluateCondition(compiled("$body.when = '2017-03-09T00:00:00.000Z'"), json(body))).toBeUndefined();
    const includes = compileCondition('twin_change_includes(tags.when)', { twinChangeSource: true });
    if (!includes.ok) throw new Error('twin_change_includes did not compile');
    expect(evaluateCondition(includes.condition, json('{"tags": {"when": "2017-03-09T00:00:00Z"}}'))).toBe(true);
  });

  it("reproduces is_null's reference check: true for JSON null and any value, false for a path that matches nothing", () => {
    expect(evaluateCondition(compiled('is_null($body.n)'), json(body))).toBe(true);
    expect(evaluateCondition(compiled('is_null($body.t)'), json(body))).toBe(true);
    expect(evaluateCondition(compiled('is_null($body.nothing)'), json(body))).toBe(false);
    expect(evaluateCondition(compiled('$body.nothing = null'), json(body))).toBe(true);
  });

  it('makes a lookup undefined when the body cannot be read, and says why when asked directly', () => {
    expect(evaluateCondition(compiled('$body.t = 50'), { systemProperties: { contentType: 'application/json' }, body })).toBeUndefined();
    expect(queryMessageBody({ systemProperties: { contentType: 'application/json' }, body }, 't')).toMatchObject({ ok: false, errorType: 'InvalidOperationException' });
    expect(queryMessageBody(json('\ufeff{"t": 1}'), 't')).toMatchObject({ ok: false, errorType: 'JsonReaderException' }); // a BOM is kept and refused
    expect(queryMessageBody(json('[1]'), 't')).toMatchObject({ ok: false, errorType: 'JsonReaderException' });
    expect(queryMessageBody(json(body), 'list[1]')).toEqual({ ok: true, kind: 'double', value: 2 });
    expect(queryMessageBody(json(body), 'list')).toMatchObject({ ok: true, kind: 'object', value: undefined });
    expect(queryMessageBody(json(body), 'q')).toMatchObject({ ok: true, value: 'single' });
  });

  it('parses the body once for many conditions', () => {
    const message = prepareMessage(json(body));
    expect(evaluateCondition(compiled('$body.t > 10'), message)).toBe(true);
    expect(evaluateCondition(compiled('$body.list[0] = 1'), message)).toBe(true);
    expect(prepareMessage(message)).toBe(message);
  });
});

describe('compiled routes', () => {
  it('delivers when the source matches and the condition is true', () => {
    const result = compileRoute("FROM /messages/modules/m1/* WHERE as_number(temp) > 30 INTO BrokeredEndpoint('/modules/m2/inputs/in')");
    if (!result.ok) throw new Error(JSON.stringify(result));
    const route = result.route;
    expect(route.endpoint).toEqual({ kind: 'module', moduleId: 'm2', input: 'in' });
    const hot = { appProperties: { temp: '40' }, systemProperties: { connectionModuleId: 'm1', outputName: 'out' } };
    expect(route.delivers(hot)).toBe(true);
    expect(route.delivers({ ...hot, appProperties: { temp: '20' } })).toBe(false);
    expect(route.delivers({ ...hot, systemProperties: { connectionModuleId: 'm10' } })).toBe(false);
    expect(route.matchesSource('/messages/modules/M1/outputs/x')).toBe(true);
  });

  it('refuses a route whose sink edgeHub does not know', () => {
    expect(compileRoute('FROM /messages INTO $upstream2')).toMatchObject({ ok: false, stage: 'endpoint' });
    expect(compileRoute('FROM /messages INTO BrokeredEndpoint("/modules/m")')).toMatchObject({ ok: false, stage: 'endpoint' });
    expect(compileRoute('FROM /messages INTO')).toMatchObject({ ok: false, stage: 'parse' });
  });
});
