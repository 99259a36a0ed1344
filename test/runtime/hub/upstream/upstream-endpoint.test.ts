// Where the link connects, and the pieces of IoT Hub's dialect it writes and reads, without a network.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { Backoff } from '../../../../src/runtime/hub/upstream/backoff.js';
import { classifyCloudPublish, telemetryTopic } from '../../../../src/runtime/hub/upstream/cloud-topics.js';
import { connectUsername, identityToken, upstreamEndpoint } from '../../../../src/runtime/hub/upstream/upstream-endpoint.js';
import { verifySasToken } from '../../../../src/runtime/iothub/sas.js';

describe('upstream endpoint', () => {
  it('reads the MQTT port from the HostName, 8883 when none, and names the host for TLS unless it is an address', () => {
    expect(upstreamEndpoint('hub.azure-devices.net', 'Mqtt', undefined)).toEqual({ protocol: 'mqtts', host: 'hub.azure-devices.net', port: 8883, hostName: 'hub.azure-devices.net', servername: 'hub.azure-devices.net' });
    expect(upstreamEndpoint('127.0.0.1:18883', 'Mqtt', 'PEM')).toEqual({ protocol: 'mqtts', host: '127.0.0.1', port: 18883, hostName: '127.0.0.1:18883', ca: 'PEM' });
    expect(upstreamEndpoint('hub.azure-devices.net', 'MqttWs', undefined)).toMatchObject({ protocol: 'wss', port: 443, path: '/$iothub/websocket' });
  });

  it('refuses a HostName that is not host or host:port', () => {
    for (const bad of ['', 'hub:99999', 'a/b', 'hub:port']) expect(() => upstreamEndpoint(bad, 'Mqtt', undefined)).toThrow(InputError);
  });

  it('writes the username and a token the identity’s key verifies for its audience', () => {
    const endpoint = upstreamEndpoint('hub.example:8883', 'Mqtt', undefined);
    const identity = { deviceId: 'edge', moduleId: '$edgeHub' };
    expect(connectUsername(endpoint, identity)).toBe('hub.example:8883/edge/$edgeHub/?api-version=2021-04-12');
    const key = Buffer.from('k'.repeat(32)).toString('base64');
    const token = identityToken(endpoint, identity, key, 2_000_000_000);
    expect(verifySasToken(token, { audiences: ['hub.example:8883/devices/edge/modules/$edgeHub'], keys: [key], nowSeconds: 1_900_000_000 })).toBe('ok');
  });
});

describe('cloud topics', () => {
  it('writes telemetry topics for devices and modules', () => {
    expect(telemetryTopic({ deviceId: 'd' }, 'a=1')).toBe('devices/d/messages/events/a=1');
    expect(telemetryTopic({ deviceId: 'd', moduleId: 'm' }, '')).toBe('devices/d/modules/m/messages/events/');
  });

  it('reads what the cloud sends', () => {
    const device = { deviceId: 'd' };
    expect(classifyCloudPublish('$iothub/twin/res/204/?$rid=7&$version=12', device)).toEqual({ kind: 'twin-response', status: 204, rid: '7', version: 12 });
    expect(classifyCloudPublish('$iothub/twin/PATCH/properties/desired/?$version=3', device)).toEqual({ kind: 'desired-patch', version: 3 });
    expect(classifyCloudPublish('$iothub/methods/POST/reboot/?$rid=1', device)).toEqual({ kind: 'method-request', name: 'reboot', rid: '1' });
    expect(classifyCloudPublish('devices/d/messages/devicebound/%24.mid=x&a=b', device)).toEqual({ kind: 'cloud-to-device', bag: '%24.mid=x&a=b' });
    // Not this device's, and not a module's at all.
    expect(classifyCloudPublish('devices/other/messages/devicebound/a=b', device)).toBeUndefined();
    expect(classifyCloudPublish('devices/d/messages/devicebound/a=b', { deviceId: 'd', moduleId: 'm' })).toBeUndefined();
    expect(classifyCloudPublish('$iothub/twin/res/200/', device)).toBeUndefined();
  });
});

describe('backoff', () => {
  it('doubles from the minimum to the maximum, each delay in the upper half of its ceiling, and starts over after a reset', () => {
    const lowest = new Backoff({ minMs: 1000, maxMs: 60_000 }, () => 0);
    expect(Array.from({ length: 9 }, () => lowest.next())).toEqual([1000, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
    const highest = new Backoff({ minMs: 1000, maxMs: 60_000 }, () => 1);
    expect(Array.from({ length: 9 }, () => highest.next())).toEqual([1000, 2000, 4000, 8000, 16_000, 32_000, 60_000, 60_000, 60_000]);
    highest.reset();
    expect(highest.next()).toBe(1000);
  });
});
