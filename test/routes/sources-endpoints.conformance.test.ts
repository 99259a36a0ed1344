// source-match.json (which messages a FROM clause selects), message-sources.json (the source
// edgeHub gives a message, and which sources are telemetry), endpoint-factory.json (which sinks
// edgeHub accepts) and jsonpath.json (which $body and twin_change_includes paths it accepts).
import { expect, it } from 'vitest';
import {
  checkBodyPath,
  checkFunctionEndpoint,
  checkSystemEndpoint,
  checkTwinChangePath,
  isTelemetrySource,
  messageSourceFromSystemProperties,
  moduleEndpointId,
  sourceMatches,
} from '../../src/routes/index.js';
import { expectDocumentedDifferences, loadJson, loadRecords } from './conformance-support.js';

it('matches message sources exactly as source-match.json says', () => {
  const records = loadRecords<{ routeSource: string; messageSource: string; matches: boolean; routeSourceKind?: string }>('source-match.json');
  expect(records).toHaveLength(65);
  const failures = new Map<string, string>();
  for (const { id, record } of records) {
    const matches = sourceMatches(record.routeSource, record.messageSource, { builtin: record.routeSourceKind === 'builtin' });
    if (matches !== record.matches) failures.set(id, `${record.routeSource} vs ${record.messageSource}: got ${matches}`);
  }
  expectDocumentedDifferences('source-match.json', failures, records.length);
});

it('derives message sources and telemetry as message-sources.json says', () => {
  const data = loadJson<{
    fromSystemProperties: { systemProperties: Record<string, string>; expectedMessageSource: string }[];
    isTelemetry: { messageSource: string; isTelemetry: boolean }[];
  }>('message-sources.json');
  expect(data.fromSystemProperties).toHaveLength(4);
  expect(data.isTelemetry).toHaveLength(3);
  const failures = new Map<string, string>();
  data.fromSystemProperties.forEach((r, i) => {
    const source = messageSourceFromSystemProperties(r.systemProperties);
    if (source !== r.expectedMessageSource) failures.set(`message-sources.json:fromSystemProperties[${i}]`, source);
  });
  data.isTelemetry.forEach((r, i) => {
    if (isTelemetrySource(r.messageSource) !== r.isTelemetry) failures.set(`message-sources.json:isTelemetry[${i}]`, r.messageSource);
  });
  expectDocumentedDifferences('message-sources.json', failures, 7);
});

interface EndpointRecord {
  kind: 'system' | 'function';
  name?: string | null;
  function?: string | null;
  address?: string;
  accepted: boolean;
  edgeDeviceId?: string;
  expectedEndpointId?: string;
  expectedInput?: string;
}

it('accepts and refuses sinks as edgeHub EndpointFactory does', () => {
  const records = loadRecords<EndpointRecord>('endpoint-factory.json');
  expect(records).toHaveLength(17);
  const failures = new Map<string, string>();
  for (const { id, record } of records) {
    const check = record.kind === 'system' ? checkSystemEndpoint(record.name ?? null) : checkFunctionEndpoint(record.function ?? null, record.address ?? null);
    if (check.accepted !== record.accepted) {
      failures.set(id, `accepted=${check.accepted}`);
    } else if (check.accepted && check.target.kind === 'module' && record.expectedEndpointId) {
      const endpointId = moduleEndpointId(record.edgeDeviceId!, check.target.moduleId, check.target.input);
      if (endpointId !== record.expectedEndpointId || check.target.input !== record.expectedInput) failures.set(id, `endpoint ${endpointId}/${check.target.input}`);
    }
  }
  expectDocumentedDifferences('endpoint-factory.json', failures, records.length);
});

it('accepts the $body and twin_change_includes paths jsonpath.json lists, and only those', () => {
  const records = loadRecords<{ path: string; validator: 'body' | 'twinChange'; supported: boolean }>('jsonpath.json');
  expect(records).toHaveLength(36);
  const failures = new Map<string, string>();
  for (const { id, record } of records) {
    const check = record.validator === 'body' ? checkBodyPath(record.path) : checkTwinChangePath(record.path);
    if (check.ok !== record.supported) failures.set(id, `${JSON.stringify(record.path)}: ok=${check.ok}`);
  }
  expectDocumentedDifferences('jsonpath.json', failures, records.length);
});
