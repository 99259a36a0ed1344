// Twins and cloud-to-device messages for the hub's clients: the official SDK's getTwin, reported
// patches and desired-property pushes go through the hub's twin service; a cloud-to-device message
// the upstream link hands over reaches a child device's `message` handler and resolves on its
// PUBACK (docs/FACTS.md §4–§5).
import { Client, Message, ModuleClient, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EDGE_DEVICE_ID, RawClient, startTestHub, until, type TestHub } from './downstream-harness.js';

describe('twins and cloud-to-device messages through the downstream head', () => {
  let hub: TestHub;
  const opened: { close(): Promise<unknown> }[] = [];

  beforeEach(async () => {
    hub = await startTestHub();
    hub.register('child1');
    hub.register(EDGE_DEVICE_ID, 'filter');
  });

  afterEach(async () => {
    for (const client of opened.splice(0)) await client.close().catch(() => undefined);
    await hub.close();
  });

  it('answers getTwin from the twin service, stores reported patches there, and pushes desired patches', async () => {
    hub.twins.documents.set(`${EDGE_DEVICE_ID}/filter`, { desired: { $version: 4, threshold: 10 }, reported: { $version: 2, firmware: '1.0' } });
    const module = ModuleClient.fromConnectionString(hub.connectionString(EDGE_DEVICE_ID, 'filter'), Mqtt);
    await module.setOptions({ ca: hub.ca });
    await module.open();
    opened.push(module);
    const twin: Twin = await module.getTwin();
    expect(twin.properties.desired).toMatchObject({ $version: 4, threshold: 10 });
    expect(twin.properties.reported).toMatchObject({ firmware: '1.0' });

    await new Promise<void>((resolve, reject) => twin.properties.reported.update({ firmware: '1.1', battery: null }, (error?: Error) => (error ? reject(error) : resolve())));
    expect(hub.twins.patches).toEqual([{ clientId: `${EDGE_DEVICE_ID}/filter`, patch: { firmware: '1.1', battery: null } }]);

    const desired: unknown[] = [];
    twin.on('properties.desired', (patch: unknown) => desired.push(patch));
    // getTwin subscribed to desired patches; once the hub has the subscription, a push arrives.
    await until(() => {
      hub.twins.pushDesired(`${EDGE_DEVICE_ID}/filter`, { threshold: 12, $version: 5 }, 5);
      return desired.some((patch) => (patch as { threshold?: number }).threshold === 12);
    }, 'the desired patch');
  });

  it('answers a twin request with IoT Hub’s error body when the twin service fails', async () => {
    hub.twins.get = () => Promise.reject(new Error('no stored copy yet'));
    const device = Client.fromConnectionString(hub.connectionString('child1'), Mqtt);
    await device.setOptions({ ca: hub.ca });
    await device.open();
    opened.push(device);
    await expect(device.getTwin()).rejects.toThrow();
  });

  it('delivers a cloud-to-device message to a subscribed child and resolves on its PUBACK', async () => {
    const device = Client.fromConnectionString(hub.connectionString('child1'), Mqtt);
    await device.setOptions({ ca: hub.ca });
    await device.open();
    opened.push(device);
    const received: Message[] = [];
    device.on('message', (message: Message) => {
      received.push(message);
      void device.complete(message);
    });
    const deliver = hub.upstream.cloudToDevice.get('child1');
    expect(deliver).toBeDefined();
    // The SDK subscribes to devicebound in the background once a `message` listener is set.
    let delivered = false;
    await until(() => {
      if (!delivered) void deliver!({ properties: { command: 'on' }, systemProperties: { 'message-id': 'c2d-1', to: '/devices/child1/messages/devicebound' }, body: Buffer.from('switch') }).then(() => (delivered = true), () => undefined);
      return delivered;
    }, 'the delivery to be acknowledged');
    await until(() => received.length >= 1, 'the message handler');
    expect(received[0]!.messageId).toBe('c2d-1');
    expect(received[0]!.getBytes().toString('utf8')).toBe('switch');
    expect(received[0]!.properties.getValue('command')).toBe('on');
  });

  it('refuses a cloud-to-device message for a child that did not subscribe, and leaves modules out', async () => {
    const { client } = await RawClient.login(hub, 'child1');
    await expect(hub.upstream.cloudToDevice.get('child1')!({ properties: {}, systemProperties: {}, body: Buffer.from('x') })).rejects.toThrow(/not subscribed/);
    client.end();
    await until(() => !hub.upstream.cloudToDevice.has('child1'), 'the registration to end with the connection');
    const module = await RawClient.login(hub, EDGE_DEVICE_ID, 'filter');
    expect(hub.upstream.cloudToDevice.has(EDGE_DEVICE_ID)).toBe(false);
    module.client.end();
  });
});
