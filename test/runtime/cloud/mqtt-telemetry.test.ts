// Telemetry from the official device SDK (azure-iot-device + azure-iot-device-mqtt) lands in the
// telemetry log in arrival order, with its application properties and the system properties IoT Hub
// names (docs/research/iothub-facts.md §6). sendEvent resolves on PUBACK, and the hub sends PUBACK
// only after the log committed the message, so the log is read right after each await.
import { Message } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startHubWithSensorAndGateway, type Hub } from './mqtt-harness.js';
import { openDevice, openModule } from './sdk-clients.js';

describe('telemetry over MQTT', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHubWithSensorAndGateway();
  });

  afterAll(async () => {
    await hub?.close();
  });

  it('keeps a device’s and a module’s messages in arrival order with their properties', async () => {
    const device = await openDevice(hub, hub.connectionString('sensor'));
    const module = await openModule(hub, hub.connectionString('gateway', 'filter'));
    const before = hub.telemetry.read().length;
    try {
      const reading = new Message('{"temperature":21.5}');
      reading.messageId = 'm-1';
      reading.correlationId = 'c 1';
      reading.contentType = 'application/json';
      reading.contentEncoding = 'utf-8';
      reading.properties.add('unit', '°C');
      reading.properties.add('odd key', 'a&b=c/d');
      await device.sendEvent(reading);
      expect(hub.telemetry.read().length).toBe(before + 1);

      const raw = new Message(Buffer.from([0xff, 0x00, 0x7f]));
      raw.properties.add('kind', 'raw');
      await module.sendEvent(raw);
      await module.sendOutputEvent('alerts', new Message('too hot'));
      await device.sendEvent(new Message('last'));
    } finally {
      await device.close();
      await module.close();
    }

    const records = hub.telemetry.read().slice(before);
    expect(records.map((record) => [record.deviceId, record.moduleId, record.body, record.bodyEncoding])).toEqual([
      ['sensor', undefined, '{"temperature":21.5}', undefined],
      ['gateway', 'filter', Buffer.from([0xff, 0x00, 0x7f]).toString('base64'), 'base64'],
      ['gateway', 'filter', 'too hot', undefined],
      ['sensor', undefined, 'last', undefined],
    ]);
    expect(records.map((record) => record.sequenceNumber)).toEqual([...records.keys()].map((index) => records[0]!.sequenceNumber + index));

    const [reading, raw, output] = records;
    expect(reading!.properties).toEqual({ unit: '°C', 'odd key': 'a&b=c/d' });
    expect(reading!.systemProperties).toMatchObject({
      'message-id': 'm-1',
      'correlation-id': 'c 1',
      'content-type': 'application/json',
      'content-encoding': 'utf-8',
      'iothub-connection-device-id': 'sensor',
      'iothub-connection-auth-generation-id': hub.registry.getDevice('sensor')!.generationId,
    });
    expect(reading!.systemProperties['iothub-connection-module-id']).toBeUndefined();
    expect(raw!.properties).toEqual({ kind: 'raw' });
    expect(raw!.systemProperties).toMatchObject({ 'iothub-connection-device-id': 'gateway', 'iothub-connection-module-id': 'filter' });
    expect(output!.systemProperties['$.on']).toBe('alerts');
  });

  it('acknowledges a message only after the log has stored it', async () => {
    const order: string[] = [];
    const append = hub.telemetry.append.bind(hub.telemetry);
    const spy = vi.spyOn(hub.telemetry, 'append').mockImplementation(async (message) => {
      order.push('append called');
      // Hold the commit back a while: a PUBACK sent before it would arrive in the meantime.
      await new Promise((resolve) => setTimeout(resolve, 200));
      const record = await append(message);
      order.push('stored');
      return record;
    });
    const device = await openDevice(hub, hub.connectionString('sensor'));
    try {
      await device.sendEvent(new Message('acknowledged late'));
      order.push('sendEvent resolved');
    } finally {
      spy.mockRestore();
      await device.close();
    }
    expect(order).toEqual(['append called', 'stored', 'sendEvent resolved']);
  });

  it('shows an identity Connected while its connection is open, and Disconnected after', async () => {
    const device = await openDevice(hub, hub.connectionString('sensor'));
    await vi.waitFor(() => expect(hub.registry.getDevice('sensor')!.connectionState).toBe('Connected'), { timeout: 10_000 });
    await device.close();
    await vi.waitFor(() => expect(hub.registry.getDevice('sensor')!.connectionState).toBe('Disconnected'), { timeout: 10_000 });
  });
});
