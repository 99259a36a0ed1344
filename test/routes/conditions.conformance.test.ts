// All 1,263 records of conditions.json: condition verdicts (true, false, undefined), compile
// errors (with the first error's range and the error count where edgeHub's tests give them),
// "no error" substring limits, expression values and direct body lookups.
import { expect, it } from 'vitest';
import { compileCondition, evaluateCondition, evaluateExpression, queryMessageBody } from '../../src/routes/index.js';
import { expectDocumentedDifferences, flagsOf, loadRecords, messageOf, type MessageRecord } from './conformance-support.js';

interface ConditionRecord extends MessageRecord {
  kind: 'condition' | 'expression-value' | 'body-query-value';
  condition?: string | null;
  expression?: string;
  bodyQuery?: string;
  expected?: boolean | 'undefined' | 'compile-error' | 'no-error' | 'error';
  expectedType?: 'number' | 'string';
  expectedValue?: number | string;
  expectedErrorType?: string;
  expectedErrorCount?: number;
  expectedFirstErrorRange?: { start: { line: number; column: number }; end: { line: number; column: number } };
  compilerFlags?: string;
  routeSource?: string;
}

const FILE = 'conditions.json';

function checkCondition(r: ConditionRecord): string | undefined {
  // edgeHub's unit tests compile against its built-in twin change source when they route from
  // /twinChangeNotifications; routes from a deployment never have it (see CompileOptions).
  const compiled = compileCondition(r.condition ?? '', { ...flagsOf(r.compilerFlags), twinChangeSource: r.routeSource === '/twinChangeNotifications' });
  if (r.expected === 'compile-error') {
    if (compiled.ok) return 'compiled, expected a compile error';
    const first = compiled.errors[0]!;
    if (r.expectedFirstErrorRange && JSON.stringify(first.range) !== JSON.stringify(r.expectedFirstErrorRange)) return `first error range ${JSON.stringify(first.range)}`;
    if (r.expectedErrorCount !== undefined && compiled.errors.length !== r.expectedErrorCount) return `${compiled.errors.length} errors`;
    return undefined;
  }
  if (!compiled.ok) return `compile error: ${compiled.errors[0]!.message}`;
  const verdict = evaluateCondition(compiled.condition, messageOf(r));
  if (r.expected === 'no-error') return undefined;
  const expected = r.expected === 'undefined' ? undefined : r.expected;
  return verdict === expected ? undefined : `verdict ${String(verdict)}`;
}

function expectedNumber(value: number | string): number {
  return typeof value === 'number' ? value : Number(value); // "Infinity", "-Infinity", "NaN"
}

function checkExpression(r: ConditionRecord): string | undefined {
  const compiled = compileCondition(r.expression!, flagsOf(r.compilerFlags));
  if (!compiled.ok) return `compile error: ${compiled.errors[0]!.message}`;
  const value = evaluateExpression(compiled.condition, messageOf(r));
  if (r.expectedType === 'string') return value === r.expectedValue ? undefined : `value ${JSON.stringify(value)}`;
  const want = expectedNumber(r.expectedValue!);
  // NaN is edgeHub's undefined number, which evaluateExpression reports as undefined.
  const same = Number.isNaN(want) ? value === undefined : Object.is(value, want) || value === want;
  return same && (compiled.condition.resultType === 'number' || Number.isNaN(want)) ? undefined : `value ${String(value)} (${compiled.condition.resultType})`;
}

function checkBodyQuery(r: ConditionRecord): string | undefined {
  const result = queryMessageBody(messageOf(r), r.bodyQuery!);
  if (r.expected === 'error') return !result.ok && result.errorType === r.expectedErrorType ? undefined : `got ${JSON.stringify(result)}`;
  return result.ok && result.value === r.expectedValue && result.kind === 'double' ? undefined : `got ${JSON.stringify(result)}`;
}

it('evaluates, compiles and refuses every condition of conditions.json as edgeHub does', () => {
  const records = loadRecords<ConditionRecord>(FILE);
  expect(records).toHaveLength(1263);
  const failures = new Map<string, string>();
  const tally = new Map<string, number>();
  for (const { id, record } of records) {
    const problem =
      record.kind === 'condition' ? checkCondition(record) : record.kind === 'expression-value' ? checkExpression(record) : checkBodyQuery(record);
    if (problem) failures.set(id, `${JSON.stringify(record.condition ?? record.expression ?? record.bodyQuery)}: ${problem}`);
    const key = `${record.kind}:${String(record.expected ?? 'value')}`;
    tally.set(key, (tally.get(key) ?? 0) + 1);
  }
  // The README's counts: the fixture is complete.
  expect(Object.fromEntries(tally)).toEqual({
    'condition:true': 274,
    'condition:false': 161,
    'condition:undefined': 73,
    'condition:compile-error': 256,
    'condition:no-error': 462,
    'expression-value:value': 30,
    'body-query-value:value': 3,
    'body-query-value:error': 4,
  });
  expectDocumentedDifferences(FILE, failures, records.length);
});
