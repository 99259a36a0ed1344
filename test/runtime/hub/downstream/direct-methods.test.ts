// Direct methods to the hub's clients through the broker the emulator uses too: called as the
// gateway's HTTPS head calls them (HubMqttServer.methods) and as the cloud calls them (the
// handler the head registers on the upstream link), answered by the official SDK's method
// handlers; 404 for a target that is not connected, 504 for one that does not answer in time
// (docs/FACTS.md §4).
import { Client, ModuleClient, type DeviceMethodRequest, type DeviceMethodResponse } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MethodInvocationError } from '../../../../src/runtime/hub/gateway-https/method-invoker.js';
import { EDGE_DEVICE_ID, startTestHub, type TestHub } from './downstream-harness.js';

function answerWith(status: number, payload: (request: DeviceMethodRequest) => unknown) {
  return (request?: DeviceMethodRequest, response?: DeviceMethodResponse): void => {
    response!.send(status, payload(request!), () => undefined);
  };
}

async function rejection(promise: Promise<unknown>): Promise<MethodInvocationError> {
  const error = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(error).toBeInstanceOf(MethodInvocationError);
  return error as MethodInvocationError;
}

describe('direct methods through the downstream head', () => {
  let hub: TestHub;
  let device: Client;
  let module: ModuleClient;

  beforeAll(async () => {
    hub = await startTestHub();
    hub.register('child1');
    hub.register(EDGE_DEVICE_ID, 'filter');
    hub.register(EDGE_DEVICE_ID, 'caller');
    device = Client.fromConnectionString(hub.connectionString('child1'), Mqtt);
    await device.setOptions({ ca: hub.ca });
    await device.open();
    module = ModuleClient.fromConnectionString(hub.connectionString(EDGE_DEVICE_ID, 'filter'), Mqtt);
    await module.setOptions({ ca: hub.ca });
    await module.open();
    device.onDeviceMethod('reboot', answerWith(200, (request) => ({ rebooting: true, asked: request.payload })));
    device.onDeviceMethod('silent', () => undefined);
    module.onMethod('reset', answerWith(201, () => 'done'));
    // The SDK subscribes in the background: a call that may wait for the subscription makes sure it is in place.
    await hub.server.methods.invoke({ deviceId: 'child1' }, { methodName: 'reboot', payload: null, timeoutSeconds: 20, connectTimeoutSeconds: 20 });
    await hub.server.methods.invoke({ deviceId: EDGE_DEVICE_ID, moduleId: 'filter' }, { methodName: 'reset', payload: null, timeoutSeconds: 20, connectTimeoutSeconds: 20 });
  });

  afterAll(async () => {
    await device?.close().catch(() => undefined);
    await module?.close().catch(() => undefined);
    await hub?.close();
  });

  it('calls a child device’s and a module’s handler, as the gateway’s HTTPS head does', async () => {
    expect(await hub.server.methods.invoke({ deviceId: 'child1' }, { methodName: 'reboot', payload: { delay: 5 }, timeoutSeconds: 20 })).toEqual({
      status: 200,
      payload: { rebooting: true, asked: { delay: 5 } },
    });
    expect(await hub.server.methods.invoke({ deviceId: EDGE_DEVICE_ID, moduleId: 'filter' }, { methodName: 'reset', payload: null, timeoutSeconds: 20 })).toEqual({ status: 201, payload: 'done' });
  });

  it('answers 404 for a target that is not connected, and 504 for one that does not answer in time', async () => {
    const offline = await rejection(hub.server.methods.invoke({ deviceId: EDGE_DEVICE_ID, moduleId: 'caller' }, { methodName: 'x', payload: null, timeoutSeconds: 5 }));
    expect(offline.httpStatus).toBe(404);
    const silent = await rejection(hub.server.methods.invoke({ deviceId: 'child1' }, { methodName: 'silent', payload: null, timeoutSeconds: 1 }));
    expect(silent.httpStatus).toBe(504);
  });

  it('relays a cloud-invoked method to the client and its answer back up', async () => {
    const handler = hub.upstream.methodHandlers.get('child1');
    expect(handler).toBeDefined();
    const answer = await handler!('reboot', Buffer.from(JSON.stringify({ delay: 1 })));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.payload.toString('utf8'))).toEqual({ rebooting: true, asked: { delay: 1 } });
    const fromModule = await hub.upstream.methodHandlers.get(`${EDGE_DEVICE_ID}/filter`)!('reset', Buffer.alloc(0));
    expect(fromModule).toEqual({ status: 201, payload: Buffer.from('"done"') });
  });
});
