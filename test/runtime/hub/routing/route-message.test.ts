// routeMessageOf names a HubMessage's properties as edgeHub's MQTT head does (TelemetryHandler with
// SystemProperties.IncomingSystemPropertiesMap): documented bag keys become edgeHub system
// properties, the rest stay application properties under their bag key.
import { describe, expect, it } from 'vitest';
import { prepareMessage } from '../../../../src/routes/index.js';
import type { HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { routeMessageOf } from '../../../../src/runtime/hub/routing/route-message.js';
import { parsePropertyBag } from '../../../../src/runtime/iothub/property-bag.js';

function fromBag(bag: string, source: HubMessage['source'], outputName?: string): HubMessage {
  const parsed = parsePropertyBag(bag)!;
  return { source, ...(outputName ? { outputName } : {}), properties: parsed.properties, systemProperties: parsed.systemProperties, body: Buffer.from('{"a":1}'), enqueuedAtMs: 0 };
}

describe('routeMessageOf', () => {
  it('gives bag system keys edgeHub names and stamps the sender', () => {
    const message = fromBag('%24.mid=m1&%24.cid=c1&%24.uid=u1&%24.ct=application%2Fjson&%24.ce=utf-8&%24.ctime=t&%24.exp=e&%24.to=x&%24.schema=s&%24.ifid=i&k=v', { deviceId: 'edge', moduleId: 'sensor' }, 'out1');
    const prepared = prepareMessage(routeMessageOf(message));
    const expected: Record<string, string> = {
      messageId: 'm1',
      cid: 'c1',
      userId: 'u1',
      contentType: 'application/json',
      contentEncoding: 'utf-8',
      creationTime: 't',
      'absolute-expiry-time': 'e',
      to: 'x',
      messageSchema: 's',
      'iothub-interface-id': 'i',
      connectionDeviceId: 'edge',
      connectionModuleId: 'sensor',
      outputName: 'out1',
    };
    for (const [name, value] of Object.entries(expected)) expect(prepared.systemProperty(name), name).toBe(value);
    expect(prepared.appProperty('k')).toBe('v');
    // edgeHub keeps a correlation id under `cid`, so $correlationId does not see it.
    expect(prepared.systemProperty('correlationId')).toBeUndefined();
    expect(prepared.queryBody('a')).toMatchObject({ value: 1 });
  });

  it('keeps keys edgeHub does not map as application properties under their bag key', () => {
    const prepared = prepareMessage(routeMessageOf(fromBag('%24.sub=subject&%24.custom=1', { deviceId: 'child' })));
    expect(prepared.appProperty('$.sub')).toBe('subject');
    expect(prepared.appProperty('$.custom')).toBe('1');
    expect(prepared.systemProperty('dt-subject')).toBeUndefined();
    expect(prepared.systemProperty('connectionModuleId')).toBeUndefined();
  });

  it('lets the authenticated sender win over stamps a producer left in the system properties', () => {
    const properties: Record<string, string> = {};
    Object.defineProperty(properties, '__proto__', { value: 'kept', enumerable: true });
    const message: HubMessage = { source: { deviceId: 'child' }, properties, systemProperties: { ConnectionDeviceId: 'admin', connectionModuleId: 'm', messageType: 'twinChangeNotification' }, body: Buffer.alloc(0), enqueuedAtMs: 0 };
    const prepared = prepareMessage(routeMessageOf(message));
    expect(prepared.systemProperty('connectionDeviceId')).toBe('child');
    expect(prepared.systemProperty('connectionModuleId')).toBeUndefined();
    expect(prepared.systemProperty('messageType')).toBe('twinChangeNotification');
    expect(prepared.appProperty('__proto__')).toBe('kept');
  });
});
