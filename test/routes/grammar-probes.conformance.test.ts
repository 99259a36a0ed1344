// Every probe of grammar-probes.json (edgeHub's grammar run through ANTLR): parse verdicts, the
// error position ANTLR reports, ignored trailing text, the parse tree of conditions, and whether
// edgeHub's condition visitor reports a syntax error.
import { expect, it } from 'vitest';
import { compileCondition, parseCondition, parseRoute } from '../../src/routes/index.js';
import { expectDocumentedDifferences, loadRecords, parseTreeText, sinkRecord } from './conformance-support.js';

interface Probe {
  kind: 'route' | 'condition';
  input: string;
  parses: boolean;
  ignoredTrailingText: string;
  antlrError?: string;
  source?: string;
  sourceNormalized?: string;
  condition?: string | null;
  sink?: object;
  conditionVisitorReportsError?: boolean;
  parseTree?: string;
  visitorReportsSyntaxError?: boolean;
}

const FILE = 'grammar-probes.json';

function visitorSyntaxError(condition: string): boolean {
  const compiled = compileCondition(condition);
  return !compiled.ok && compiled.errors.some((e) => e.category === 'syntax');
}

function checkRoute(probe: Probe): string[] {
  const parsed = parseRoute(probe.input);
  if (!parsed.ok && parsed.error.kind === 'empty') {
    // ANTLR accepts an empty route (the EOF alternative); RouteFactory then fails on the missing source.
    return probe.parses && probe.source === undefined ? [] : [`unexpected empty-route error`];
  }
  if (parsed.ok !== probe.parses) return [`expected parses=${probe.parses}, got ${JSON.stringify(parsed)}`];
  if (!parsed.ok) {
    // "1:23 no viable alternative ..." : ANTLR's 0-based column of the offending token.
    const column = Number(/^1:(\d+)/.exec(probe.antlrError ?? '')?.[1]);
    return parsed.error.offset === column ? [] : [`error at ${parsed.error.offset}, ANTLR says ${column}`];
  }
  const route = parsed.route;
  const problems: string[] = [];
  if ((route.trailingText?.text ?? '') !== probe.ignoredTrailingText) problems.push(`trailing '${route.trailingText?.text ?? ''}'`);
  if (route.source !== probe.source) problems.push(`source ${route.source}`);
  if (route.sourceNormalized !== probe.sourceNormalized) problems.push(`normalized ${route.sourceNormalized}`);
  if (route.conditionText !== probe.condition) problems.push(`condition ${route.conditionText}`);
  if (JSON.stringify(sinkRecord(route.sink)) !== JSON.stringify(probe.sink)) problems.push(`sink ${JSON.stringify(sinkRecord(route.sink))}`);
  if (visitorSyntaxError(route.conditionText) !== probe.conditionVisitorReportsError) problems.push('visitor syntax error verdict');
  return problems;
}

function checkCondition(probe: Probe): string[] {
  const parsed = parseCondition(probe.input);
  if (parsed.ok !== probe.parses) return [`expected parses=${probe.parses}, got ${JSON.stringify(parsed)}`];
  if (!parsed.ok) return [];
  const problems: string[] = [];
  if ((parsed.trailingText?.text ?? '') !== probe.ignoredTrailingText) problems.push(`trailing '${parsed.trailingText?.text ?? ''}'`);
  if (parseTreeText(parsed.ast) !== probe.parseTree) problems.push(`tree ${parseTreeText(parsed.ast)}`);
  if (visitorSyntaxError(probe.input) !== probe.visitorReportsSyntaxError) problems.push('visitor syntax error verdict');
  return problems;
}

it('agrees with every grammar probe', () => {
  const records = loadRecords<Probe>(FILE);
  expect(records).toHaveLength(75);
  const failures = new Map<string, string>();
  for (const { id, record } of records) {
    const problems = record.kind === 'route' ? checkRoute(record) : checkCondition(record);
    if (problems.length > 0) failures.set(id, `${JSON.stringify(record.input)}: ${problems.join('; ')}`);
  }
  expectDocumentedDifferences(FILE, failures, records.length);
});
