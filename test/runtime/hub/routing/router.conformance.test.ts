// edgeHub's RoutingTest scenarios (test/fixtures/edgehub-routes/routing-scenarios.json, copied from
// ../shared/conformance/edgehub-routes; source Azure/iotedge, see its README) driven through the
// hub's own Router: HubSettings built from the scenario's routes, HubMessages as the MQTT head
// builds them (authenticated sender, output name, bag names), and who receives each message.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileRoute, messageSourceFromSystemProperties } from '../../../../src/routes/index.js';
import type { HubRoute, HubSettings } from '../../../../src/runtime/hub/config/hub-settings.js';
import { DEFAULT_ROUTE_PRIORITY } from '../../../../src/runtime/hub/config/hub-settings.js';
import type { HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { routeMessageOf } from '../../../../src/runtime/hub/routing/route-message.js';
import { Router } from '../../../../src/runtime/hub/routing/router.js';
import { expectDocumentedDifferences, loadJson, loadRecords } from '../../../routes/conformance-support.js';

interface Step {
  sender: { kind: 'device' | 'module'; deviceId: string; moduleId?: string; output?: string | null };
  action?: 'reportedPropertiesUpdate';
  addsSystemProperties?: Record<string, string>;
  extraAppProperties?: Record<string, string>;
  extraSystemProperties?: Record<string, string>;
  messageSource?: string;
  expectReceived: Record<string, boolean>;
}

interface Scenario {
  test: string;
  routes: string[];
  modules: Record<string, string[]>;
  baseMessage: { bodyText: string; appProperties: Record<string, string>; systemProperties: Record<string, string> };
  steps: Step[];
}

/** edgeHub's system-property names in the data → the names a parsed MQTT bag gives them. */
const BAG_NAMES: Record<string, string> = { messageId: 'message-id', contentType: 'content-type', contentEncoding: 'content-encoding' };

function bagNames(edgeHubNames: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(edgeHubNames)) {
    const bagName = BAG_NAMES[name];
    if (bagName === undefined) throw new Error(`no bag name known for the system property ${name}; extend BAG_NAMES`);
    out[bagName] = name === 'messageId' ? randomUUID() : value;
  }
  return out;
}

function settingsOf(routes: readonly string[]): HubSettings {
  const hubRoutes: HubRoute[] = routes.map((text, i) => {
    const compiled = compileRoute(text);
    if (!compiled.ok) throw new Error(`${text} does not compile`);
    return { name: `route${i}`, text, priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0, compiled: compiled.route };
  });
  return { schemaVersion: '1.1', routes: hubRoutes, timeToLiveSecs: 7200, upstreamProtocol: 'Mqtt' };
}

function messageOf(step: Step, base: Scenario['baseMessage']): HubMessage {
  const { sender } = step;
  const systemProperties = bagNames({ ...base.systemProperties, ...step.extraSystemProperties });
  // edgeHub turns a reported-properties update into a message of this type (RoutingTest).
  if (step.action === 'reportedPropertiesUpdate') systemProperties.messageType = 'twinChangeNotification';
  return {
    source: sender.kind === 'module' ? { deviceId: sender.deviceId, moduleId: sender.moduleId! } : { deviceId: sender.deviceId },
    ...(typeof sender.output === 'string' ? { outputName: sender.output } : {}),
    properties: { ...base.appProperties, ...step.extraAppProperties },
    systemProperties,
    body: Buffer.from(base.bodyText),
    enqueuedAtMs: Date.now(),
  };
}

/** Receivers as the data names them: `$upstream`, or the module id of a module input. */
function receivers(router: Router, message: HubMessage, scenario: Scenario): Set<string> {
  const received = new Set<string>();
  for (const target of router.targets(message)) {
    if (target.endpoint === '$upstream') {
      received.add('$upstream');
      continue;
    }
    const [, , moduleId, , input] = target.endpoint.split('/');
    // A route to an input the scenario's module does not have would be a wrong endpoint id.
    if (!scenario.modules[moduleId!]?.includes(input!)) throw new Error(`routed to ${target.endpoint}, not an input of the scenario`);
    received.add(moduleId!);
  }
  return received;
}

describe('the hub Router against routing-scenarios.json', () => {
  it('delivers each message to exactly the expected endpoints, from the source edgeHub assigns', () => {
    const scenarios = loadRecords<Scenario>('routing-scenarios.json');
    expect(scenarios).toHaveLength(11);
    let steps = 0;
    const failures = new Map<string, string>();
    for (const { id, record } of scenarios) {
      const router = new Router(settingsOf(record.routes));
      record.steps.forEach((step, i) => {
        steps++;
        const message = messageOf(step, record.baseMessage);
        const routeMessage = routeMessageOf(message);
        const system = Object.fromEntries(routeMessage.systemProperties as Map<string, string>);
        // The hub stamps what edgeHub adds for this sender, whatever the client sent.
        expect(system, `${id} step ${i + 1}`).toMatchObject(step.addsSystemProperties ?? {});
        if (step.messageSource) expect(messageSourceFromSystemProperties(system)).toBe(step.messageSource);
        const received = receivers(router, message, record);
        for (const [endpoint, expected] of Object.entries(step.expectReceived)) {
          if (received.has(endpoint) !== expected) failures.set(id, `step ${i + 1}: ${endpoint} received=${!expected}`);
        }
      });
    }
    expect(steps).toBe(23);
    expectDocumentedDifferences('routing-scenarios.json', failures, scenarios.length);
  });

  it('gives messages the sources of message-sources.json through routeMessageOf', () => {
    const data = loadJson<{ fromSystemProperties: { systemProperties: Record<string, string>; expectedMessageSource: string }[] }>('message-sources.json');
    expect(data.fromSystemProperties).toHaveLength(4);
    for (const { systemProperties, expectedMessageSource } of data.fromSystemProperties) {
      const { connectionModuleId, outputName, ...rest } = systemProperties;
      const message: HubMessage = {
        source: connectionModuleId === undefined ? { deviceId: 'device1' } : { deviceId: 'edge', moduleId: connectionModuleId },
        ...(outputName === undefined ? {} : { outputName }),
        properties: {},
        systemProperties: rest,
        body: Buffer.alloc(0),
        enqueuedAtMs: 0,
      };
      const system = Object.fromEntries(routeMessageOf(message).systemProperties as Map<string, string>);
      expect(messageSourceFromSystemProperties(system)).toBe(expectedMessageSource);
    }
  });
});
