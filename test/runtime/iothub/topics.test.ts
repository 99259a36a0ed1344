// IoT Hub's MQTT topic grammar (docs/FACTS.md §5): what each identity may publish and subscribe
// to, written as the Node device SDK writes it, and nothing of another identity.
import { describe, expect, it } from 'vitest';
import {
  classifyPublish,
  classifySubscription,
  desiredPatchTopic,
  methodRequestTopic,
  twinResponseTopic,
} from '../../../src/runtime/iothub/topics.js';

const device = { deviceId: 'thermostat' };
const module = { deviceId: 'gateway', moduleId: 'filter' };

describe('classifyPublish', () => {
  it('reads device telemetry with and without a property bag', () => {
    expect(classifyPublish('devices/thermostat/messages/events/', device)).toEqual({ kind: 'telemetry', bag: '' });
    expect(classifyPublish('devices/thermostat/messages/events', device)).toEqual({ kind: 'telemetry', bag: '' });
    expect(classifyPublish('devices/thermostat/messages/events/%24.mid=1&unit=C', device)).toEqual({ kind: 'telemetry', bag: '%24.mid=1&unit=C' });
  });

  it('reads module telemetry, the output form with its trailing slash included', () => {
    expect(classifyPublish('devices/gateway/modules/filter/messages/events/%24.on=out1/', module)).toEqual({ kind: 'telemetry', bag: '%24.on=out1' });
  });

  it('reads twin requests and method replies with their request ids', () => {
    expect(classifyPublish('$iothub/twin/GET/?$rid=a1', device)).toEqual({ kind: 'twin-get', rid: 'a1' });
    expect(classifyPublish('$iothub/twin/PATCH/properties/reported/?$rid=b2&$version=3', module)).toEqual({ kind: 'twin-reported', rid: 'b2' });
    expect(classifyPublish('$iothub/methods/res/200/?$rid=c3', device)).toEqual({ kind: 'method-response', rid: 'c3', status: 200 });
  });

  it.each([
    ['another device', 'devices/other/messages/events/'],
    ['another module of the same device', 'devices/gateway/modules/other/messages/events/'],
    ['the device topic from a module', 'devices/gateway/messages/events/'],
    ['a deeper path than the bag', 'devices/gateway/modules/filter/messages/events/a=1/b=2'],
    ['a twin request without $rid', '$iothub/twin/GET/'],
    ['a twin request with an empty $rid', '$iothub/twin/GET/?$rid='],
    ['a method reply without a numeric status', '$iothub/methods/res/ok/?$rid=1'],
    ['a wildcard in a topic name', 'devices/gateway/modules/filter/messages/events/#'],
    ['an unknown $iothub topic', '$iothub/twin/DELETE/?$rid=1'],
  ])('refuses %s', (_, topic) => {
    expect(classifyPublish(topic, module)).toBeUndefined();
  });
});

describe('classifySubscription', () => {
  it('accepts the filters the device SDK subscribes to', () => {
    expect(classifySubscription('$iothub/twin/res/#', device)).toBe('twin-responses');
    expect(classifySubscription('$iothub/twin/PATCH/properties/desired/#', device)).toBe('desired');
    expect(classifySubscription('$iothub/methods/POST/#', device)).toBe('methods');
    expect(classifySubscription('devices/thermostat/messages/devicebound/#', device)).toBe('cloud-to-device');
    expect(classifySubscription('devices/gateway/modules/filter/inputs/#', module)).toBe('inputs');
  });

  it.each([
    ['another device’s cloud-to-device messages', 'devices/other/messages/devicebound/#'],
    ['everything', '#'],
    ['every device', 'devices/+/messages/devicebound/#'],
    ['another module’s inputs', 'devices/gateway/modules/other/inputs/#'],
    ['an undocumented $iothub filter', '$iothub/#'],
  ])('refuses %s', (_, filter) => {
    expect(classifySubscription(filter, module)).toBeUndefined();
    expect(classifySubscription(filter, device)).toBeUndefined();
  });
});

describe('outgoing topics', () => {
  it('are written as IoT Hub writes them', () => {
    expect(twinResponseTopic(200, 'r1')).toBe('$iothub/twin/res/200/?$rid=r1');
    expect(twinResponseTopic(204, 'r2', 7)).toBe('$iothub/twin/res/204/?$rid=r2&$version=7');
    expect(desiredPatchTopic(4)).toBe('$iothub/twin/PATCH/properties/desired/?$version=4');
    expect(methodRequestTopic('reboot', '1f')).toBe('$iothub/methods/POST/reboot/?$rid=1f');
  });
});
