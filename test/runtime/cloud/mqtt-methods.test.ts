// Direct methods through the MethodBroker to the official device SDK: the request reaches
// onDeviceMethod / onMethod and the answer's status and payload come back; a target that is not
// connected gives 404 DeviceNotOnline and one that never answers 504 GatewayTimeout, as IoT Hub
// (docs/FACTS.md §4; docs/research/iothub-facts.md §2). The device SDK renews its token by
// reconnecting without subscribing again; the hub keeps its subscriptions (iothub-facts §7).
import { Client, type DeviceMethodRequest, type DeviceMethodResponse } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import { startHubWithSensorAndGateway, type Hub } from './mqtt-harness.js';
import { nowSeconds, openDevice, openModule } from './sdk-clients.js';

/** The connect timeout lets the call wait for the SDK's SUBSCRIBE, which onDeviceMethod sends in the background. */
const UNTIL_SUBSCRIBED = { connectTimeoutInSeconds: 20 };

/** A method handler (the module client types its arguments as optional) that answers at once. */
function answerWith(status: number, payload: (request: DeviceMethodRequest) => unknown) {
  return (request?: DeviceMethodRequest, response?: DeviceMethodResponse): void => {
    response!.send(status, payload(request!), () => undefined);
  };
}

async function rejection(promise: Promise<unknown>): Promise<CloudError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(CloudError);
  return error as CloudError;
}

describe('direct methods over MQTT', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHubWithSensorAndGateway();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('reaches a device’s handler and returns its status and payload', async () => {
    const device = await openDevice(hub, hub.connectionString('sensor'));
    try {
      device.onDeviceMethod('reboot', answerWith(200, (request) => ({ rebooting: true, asked: request.payload })));
      device.onDeviceMethod('check', answerWith(201, (request) => ({ payloadWas: request.payload })));
      const reboot = await hub.server.methods.invoke('sensor', undefined, { methodName: 'reboot', payload: { delay: 5 }, ...UNTIL_SUBSCRIBED });
      expect(reboot).toEqual({ status: 200, payload: { rebooting: true, asked: { delay: 5 } } });
      // No payload travels as JSON null, which the SDK parses; an empty body would make it answer 400.
      const check = await hub.server.methods.invoke('sensor', undefined, { methodName: 'check', payload: null });
      expect(check).toEqual({ status: 201, payload: { payloadWas: null } });
    } finally {
      await device.close();
    }
  });

  it('reaches a module’s handler', async () => {
    const module = await openModule(hub, hub.connectionString('gateway', 'filter'));
    try {
      module.onMethod('setThreshold', answerWith(200, (request) => ({ threshold: (request.payload as { value: number }).value })));
      const result = await hub.server.methods.invoke('gateway', 'filter', { methodName: 'setThreshold', payload: { value: 7 }, ...UNTIL_SUBSCRIBED });
      expect(result).toEqual({ status: 200, payload: { threshold: 7 } });
      // The module's subscription is not its device's.
      const device = await rejection(hub.server.methods.invoke('gateway', undefined, { methodName: 'setThreshold', payload: null }));
      expect([device.status, device.errorCode]).toEqual([404, 'DeviceNotOnline']);
    } finally {
      await module.close();
    }
  });

  it('answers 404 DeviceNotOnline for a device that is not connected', async () => {
    const error = await rejection(hub.server.methods.invoke('sensor', undefined, { methodName: 'reboot', payload: null }));
    expect([error.status, error.errorCode, error.numericCode]).toEqual([404, 'DeviceNotOnline', 404103]);
  });

  it('answers 504 GatewayTimeout when the device never answers', async () => {
    const device = await openDevice(hub, hub.connectionString('sensor'));
    try {
      device.onDeviceMethod('ignored', () => undefined);
      const error = await rejection(
        hub.server.methods.invoke('sensor', undefined, { methodName: 'ignored', payload: null, responseTimeoutInSeconds: 1, ...UNTIL_SUBSCRIBED }),
      );
      expect([error.status, error.errorCode, error.numericCode]).toEqual([504, 'GatewayTimeout', 504101]);
    } finally {
      await device.close();
    }
  });

  it('refuses a method name that cannot be a topic level, with 400', async () => {
    const error = await rejection(hub.server.methods.invoke('sensor', undefined, { methodName: 'a/b', payload: null }));
    expect([error.status, error.errorCode]).toEqual([400, 'ArgumentInvalid']);
  });

  it('keeps the method subscription when the SDK renews its token by reconnecting', async () => {
    const client = Client.fromSharedAccessSignature(hub.token('sensor', undefined, nowSeconds() + 3600), Mqtt);
    await client.setOptions({ ca: hub.ca });
    await client.open();
    try {
      client.onDeviceMethod('ping', answerWith(200, () => 'pong'));
      expect(await hub.server.methods.invoke('sensor', undefined, { methodName: 'ping', payload: null, ...UNTIL_SUBSCRIBED })).toEqual({ status: 200, payload: 'pong' });

      await new Promise<void>((resolve, reject) =>
        client.updateSharedAccessSignature(hub.token('sensor', undefined, nowSeconds() + 7200), (error) => (error ? reject(error) : resolve())),
      );
      // No connect timeout: the renewed connection must already hold the subscription.
      expect(await hub.server.methods.invoke('sensor', undefined, { methodName: 'ping', payload: null })).toEqual({ status: 200, payload: 'pong' });
    } finally {
      await client.close();
    }
  });
});
