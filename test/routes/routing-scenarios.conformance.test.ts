// routing-scenarios.json (edgeHub's RoutingTest integration tests): routes compiled with
// compileRoute(), messages sent by devices and modules, and who receives each message.
import { expect, it } from 'vitest';
import { compileRoute, type CompiledRoute } from '../../src/routes/index.js';
import { expectDocumentedDifferences, loadRecords } from './conformance-support.js';

interface Step {
  sender: { kind: 'device' | 'module'; deviceId: string; moduleId?: string; output?: string | null };
  addsSystemProperties?: Record<string, string>;
  extraAppProperties?: Record<string, string>;
  extraSystemProperties?: Record<string, string>;
  messageSource?: string;
  expectReceived: Record<string, boolean>;
}

interface Scenario {
  test: string;
  routes: string[];
  baseMessage: { bodyText: string; appProperties: Record<string, string>; systemProperties: Record<string, string> };
  steps: Step[];
}

function receivers(routes: CompiledRoute[], step: Step, base: Scenario['baseMessage']): Set<string> {
  const message = {
    appProperties: { ...base.appProperties, ...step.extraAppProperties },
    systemProperties: { ...base.systemProperties, ...step.addsSystemProperties, ...step.extraSystemProperties },
    body: base.bodyText,
  };
  const received = new Set<string>();
  for (const route of routes) {
    if (!route.delivers(message, step.messageSource)) continue;
    received.add(route.endpoint.kind === 'upstream' ? '$upstream' : route.endpoint.moduleId);
  }
  return received;
}

it('delivers each message of routing-scenarios.json to exactly the expected endpoints', () => {
  const scenarios = loadRecords<Scenario>('routing-scenarios.json');
  expect(scenarios).toHaveLength(11);
  expect(scenarios.reduce((n, s) => n + s.record.steps.length, 0)).toBe(23);
  const failures = new Map<string, string>();
  for (const { id, record } of scenarios) {
    const routes = record.routes.map((text) => {
      const compiled = compileRoute(text);
      if (!compiled.ok) throw new Error(`${text} does not compile: ${JSON.stringify(compiled)}`);
      return compiled.route;
    });
    record.steps.forEach((step, i) => {
      const received = receivers(routes, step, record.baseMessage);
      for (const [endpoint, expected] of Object.entries(step.expectReceived)) {
        if (received.has(endpoint) !== expected) failures.set(`${id}`, `step ${i + 1}: ${endpoint} received=${!expected}`);
      }
    });
  }
  expectDocumentedDifferences('routing-scenarios.json', failures, scenarios.length);
});
