// The hub's Router beyond the conformance scenarios: priorities and TTLs (edgeHub's Evaluator keeps
// one result per endpoint, the highest priority), TTL 0 inheriting the global one, conditions on
// properties, system properties and $body, and deployments taking effect for the next message.
import { describe, expect, it } from 'vitest';
import { hubSettingsFromDesired, type HubSettings } from '../../../../src/runtime/hub/config/hub-settings.js';
import type { HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { Router } from '../../../../src/runtime/hub/routing/router.js';

const BASE: HubSettings = { schemaVersion: '1.1', routes: [], timeToLiveSecs: 7200, upstreamProtocol: 'Mqtt' };

function settings(routes: Record<string, unknown>, ttl = 7200): HubSettings {
  return hubSettingsFromDesired({ schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: ttl } }, BASE);
}

function message(overrides: Partial<HubMessage> = {}): HubMessage {
  return { source: { deviceId: 'child' }, properties: {}, systemProperties: {}, body: Buffer.from('{}'), enqueuedAtMs: 1000, ...overrides };
}

describe('Router.targets', () => {
  it('keeps one target per endpoint, the highest priority, with its TTL', () => {
    const router = new Router(
      settings({
        low: { route: 'FROM /messages/* INTO $upstream', priority: 5, timeToLiveSecs: 60 },
        high: { route: 'FROM /messages/* INTO $upstream', priority: 1, timeToLiveSecs: 30 },
        none: 'FROM /messages/* INTO $upstream',
      }),
    );
    expect(router.targets(message())).toEqual([{ endpoint: '$upstream', priority: 1, ttlSeconds: 30 }]);
  });

  it('gives a route without priority the default 2,000,000,000 and a TTL of 0 the global TTL', () => {
    const router = new Router(settings({ r: 'FROM /messages/* INTO $upstream', t: { route: 'FROM /messages/* INTO BrokeredEndpoint("/modules/m/inputs/i")', timeToLiveSecs: 0 } }, -1));
    expect(router.targets(message())).toEqual([
      { endpoint: '$upstream', priority: 2_000_000_000, ttlSeconds: -1 },
      { endpoint: '/modules/m/inputs/i', priority: 2_000_000_000, ttlSeconds: -1 },
    ]);
  });

  it('between equal priorities keeps the longer TTL, a negative global TTL being the longest', () => {
    const router = new Router(
      settings(
        {
          short: { route: 'FROM /messages/* INTO $upstream', priority: 3, timeToLiveSecs: 10 },
          inherit: { route: 'FROM /messages/* INTO $upstream', priority: 3 },
          long: { route: 'FROM /messages/* INTO $upstream', priority: 3, timeToLiveSecs: 100 },
        },
        -1,
      ),
    );
    expect(router.targets(message())).toEqual([{ endpoint: '$upstream', priority: 3, ttlSeconds: -1 }]);
  });

  it('treats BrokeredEndpoint addresses naming the same module input as one endpoint', () => {
    const router = new Router(
      settings({
        a: { route: 'FROM /messages/* INTO BrokeredEndpoint("/modules/filter/inputs/in1")', priority: 4 },
        b: { route: 'FROM /messages/* INTO brokeredendpoint("x/filter/y/in1/")', priority: 2 },
      }),
    );
    expect(router.targets(message())).toEqual([{ endpoint: '/modules/filter/inputs/in1', priority: 2, ttlSeconds: 7200 }]);
  });

  it('matches module outputs by source prefix and evaluates properties, system properties and $body', () => {
    const router = new Router(
      settings({
        hot: `FROM /messages/modules/sensor/outputs/* WHERE $body.temperature > 30 AND unit = 'C' AND $contentType = 'application/json' INTO $upstream`,
        fromChild: `FROM /messages WHERE $connectionDeviceId = 'child' INTO BrokeredEndpoint("/modules/filter/inputs/child")`,
      }),
    );
    const json = { 'content-type': 'application/json', 'content-encoding': 'utf-8' };
    const hot = message({ source: { deviceId: 'edge', moduleId: 'sensor' }, outputName: 'temp', properties: { unit: 'C' }, systemProperties: json, body: Buffer.from('{"temperature": 35}') });
    expect(router.targets(hot).map((t) => t.endpoint)).toEqual(['$upstream']);
    expect(router.targets({ ...hot, body: Buffer.from('{"temperature": 20}') })).toEqual([]);
    expect(router.targets({ ...hot, systemProperties: {} })).toEqual([]);
    // A module's message has source /messages/modules/sensor/…, which FROM /messages also selects.
    expect(router.targets(message()).map((t) => t.endpoint)).toEqual(['/modules/filter/inputs/child']);
    expect(router.targets({ ...hot, source: { deviceId: 'edge', moduleId: 'sensorx' } })).toEqual([]);
  });

  it('routes by the authenticated sender, not by connection stamps in the message', () => {
    const router = new Router(settings({ r: `FROM /messages WHERE $connectionDeviceId = 'admin' INTO $upstream`, m: 'FROM /messages/modules/* INTO BrokeredEndpoint("/modules/m/inputs/i")' }));
    const spoof = message({ systemProperties: { connectionDeviceId: 'admin', connectionModuleId: 'm', '$.cdid': 'admin' } });
    expect(router.targets(spoof)).toEqual([]);
  });

  it('applies a deployment to the next message', () => {
    const router = new Router(settings({ r: 'FROM /messages/* INTO $upstream' }));
    expect(router.targets(message())).toHaveLength(1);
    router.update(settings({ r: 'FROM /messages/modules/* INTO $upstream' }, 30));
    expect(router.targets(message())).toEqual([]);
    router.update(settings({ r: 'FROM /messages/* INTO $upstream' }, 30));
    expect(router.targets(message())).toEqual([{ endpoint: '$upstream', priority: 2_000_000_000, ttlSeconds: 30 }]);
  });

  it('routes nothing without routes', () => {
    expect(new Router(BASE).targets(message())).toEqual([]);
  });
});
