// Every route of routes-parse.json (RouteFactoryTest, ConfigUpdaterTest, RoutingTest and the
// EndpointFactory pairs placed in routes): parse verdict, source, condition text, sink, and
// whether edgeHub's endpoint factory accepts the sink.
import { expect, it } from 'vitest';
import { checkFunctionEndpoint, checkSystemEndpoint, compileCondition, parseRoute } from '../../src/routes/index.js';
import { expectDocumentedDifferences, loadRecords, sinkRecord } from './conformance-support.js';

interface RouteRecord {
  route: string;
  valid: boolean;
  source?: string;
  sourceNormalized?: string;
  condition?: string;
  sink?: object;
  edgehub_rejects?: boolean;
  from: string;
}

const FILE = 'routes-parse.json';

it('parses every route of routes-parse.json as edgeHub does', () => {
  const records = loadRecords<RouteRecord>(FILE);
  expect(records).toHaveLength(75);
  const failures = new Map<string, string>();
  for (const { id, record } of records) {
    const parsed = parseRoute(record.route);
    if (parsed.ok !== record.valid) {
      failures.set(id, `expected valid=${record.valid}, got ${JSON.stringify(parsed)}`);
      continue;
    }
    if (!parsed.ok) continue;
    const route = parsed.route;
    const problems: string[] = [];
    if (record.sourceNormalized !== undefined && route.sourceNormalized !== record.sourceNormalized) problems.push(`source ${route.sourceNormalized}`);
    if (record.condition !== undefined && route.conditionText !== record.condition) problems.push(`condition ${route.conditionText}`);
    if (record.sink !== undefined && JSON.stringify(sinkRecord(route.sink)) !== JSON.stringify(record.sink)) problems.push(`sink ${JSON.stringify(sinkRecord(route.sink))}`);
    if (record.edgehub_rejects !== undefined) {
      const endpoint = route.sink.kind === 'function' ? checkFunctionEndpoint(route.sink.name, route.sink.address) : checkSystemEndpoint(route.sink.name);
      if (endpoint.accepted === record.edgehub_rejects) problems.push(`endpoint accepted=${endpoint.accepted}`);
    }
    // Routes from edgeHub's routing tests are compiled and used there, so they must compile.
    if (/RoutingTest|ConfigUpdaterTest/.test(record.from)) {
      const compiled = compileCondition(route.conditionText);
      if (!compiled.ok) problems.push(`condition does not compile: ${compiled.errors[0]!.message}`);
    }
    if (problems.length > 0) failures.set(id, problems.join('; '));
  }
  expectDocumentedDifferences(FILE, failures, records.length);
});
