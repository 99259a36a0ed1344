// Telemetry and module outputs from the official device SDK through the hub's downstream head: the
// message reaches ingest with the sender taken from the connection, and the PUBACK (the SDK's
// sendEvent promise) waits for ingest to commit; a refused ingest gets no PUBACK. What IoT Hub
// refuses the hub refuses too: a wrong key, a foreign topic, QoS 2 (docs/FACTS.md §5).
import { Client, Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { EDGE_DEVICE_ID, RawClient, startTestHub, until, type TestHub } from './downstream-harness.js';

async function openDevice(hub: TestHub, connectionString: string): Promise<Client> {
  const client = Client.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: hub.ca });
  await client.open();
  return client;
}

async function openModule(hub: TestHub, connectionString: string): Promise<ModuleClient> {
  const client = ModuleClient.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: hub.ca });
  await client.open();
  return client;
}

describe('telemetry through the downstream head', () => {
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

  it('hands a child device’s message to ingest with its properties, sender and body', async () => {
    const device = await openDevice(hub, hub.connectionString('child1'));
    opened.push(device);
    const message = new Message(JSON.stringify({ temperature: 21.5 }));
    message.messageId = 'm-1';
    message.correlationId = 'c-1';
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    message.properties.add('alert', 'high temp');
    const before = Date.now();
    await device.sendEvent(message);
    expect(hub.ingested).toHaveLength(1);
    const ingested = hub.ingested[0]!;
    expect(ingested.source).toEqual({ deviceId: 'child1' });
    expect(ingested.outputName).toBeUndefined();
    expect(ingested.properties).toEqual({ alert: 'high temp' });
    expect(ingested.systemProperties).toMatchObject({ 'message-id': 'm-1', 'correlation-id': 'c-1', 'content-type': 'application/json', 'content-encoding': 'utf-8' });
    expect(JSON.parse(ingested.body.toString('utf8'))).toEqual({ temperature: 21.5 });
    expect(ingested.enqueuedAtMs).toBeGreaterThanOrEqual(before);
    expect(hub.upstream.events).toContain('attach:child1');
  });

  it('reads a module output’s name from $.on and keeps it out of the system properties', async () => {
    const module = await openModule(hub, hub.connectionString(EDGE_DEVICE_ID, 'filter'));
    opened.push(module);
    const message = new Message('reading');
    message.properties.add('kind', 'raw');
    await module.sendOutputEvent('alerts', message);
    const ingested = hub.ingested[0]!;
    expect(ingested.source).toEqual({ deviceId: EDGE_DEVICE_ID, moduleId: 'filter' });
    expect(ingested.outputName).toBe('alerts');
    expect(ingested.systemProperties).not.toHaveProperty('$.on');
    expect(ingested.properties).toEqual({ kind: 'raw' });
    expect(ingested.body.toString('utf8')).toBe('reading');
  });

  it('sends the PUBACK only once ingest has committed', async () => {
    let commit: () => void = () => undefined;
    hub.ingest = (message: HubMessage) => {
      hub.ingested.push(message);
      return new Promise<void>((resolve) => (commit = resolve));
    };
    const device = await openDevice(hub, hub.connectionString('child1'));
    opened.push(device);
    let acknowledged = false;
    const sent = device.sendEvent(new Message('held')).then(() => (acknowledged = true));
    await until(() => hub.ingested.length === 1, 'the message to reach ingest');
    // Ingest has not committed: the SDK must still be waiting, however long it waits.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(acknowledged).toBe(false);
    commit();
    await sent;
    expect(acknowledged).toBe(true);
  });

  it('gives no PUBACK for a message ingest refused, and closes the connection so the client resends', async () => {
    hub.ingest = () => Promise.reject(new Error('the store is full'));
    const { client } = await RawClient.login(hub, 'child1');
    client.send({ cmd: 'publish', topic: 'devices/child1/messages/events/', payload: Buffer.from('x'), qos: 1, messageId: 7, dup: false, retain: false });
    await client.closed;
    expect(client.received.filter((packet) => packet.cmd === 'puback')).toEqual([]);
    expect(hub.log.some((line) => line.includes('child1') && line.includes('the store is full'))).toBe(true);
    expect(hub.upstream.events).toEqual(['attach:child1', 'detach:child1']);
  });

  it('on close, acknowledges a message whose commit was in flight before closing the connection', async () => {
    let commit: () => void = () => undefined;
    hub.ingest = (message: HubMessage) => {
      hub.ingested.push(message);
      return new Promise<void>((resolve) => (commit = resolve));
    };
    const { client } = await RawClient.login(hub, 'child1');
    client.send({ cmd: 'publish', topic: 'devices/child1/messages/events/', payload: Buffer.from('in flight'), qos: 1, messageId: 9, dup: false, retain: false });
    await until(() => hub.ingested.length === 1, 'the message to reach ingest');
    const closed = hub.server.close();
    commit();
    await closed;
    await client.closed;
    expect(client.received.filter((packet) => packet.cmd === 'puback')).toEqual([expect.objectContaining({ messageId: 9 })]);
  });

  it('refuses a client whose key is not the one the identity cache holds', async () => {
    const wrongKey = Buffer.alloc(32, 7).toString('base64');
    const device = Client.fromConnectionString(hub.connectionString('child1', undefined, wrongKey), Mqtt);
    await device.setOptions({ ca: hub.ca });
    await expect(device.open()).rejects.toThrow();
    await device.close().catch(() => undefined);
    expect(hub.log.some((line) => line.startsWith('refused child1') && line.includes('bad-signature'))).toBe(true);
    expect(hub.server.clients()).toEqual([]);
  });

  it('refuses an identity that is not in the scope with CONNACK 5', async () => {
    hub.register('stranger');
    const token = hub.token('stranger', undefined, Math.floor(Date.now() / 1000) + 600);
    hub.identities.delete('stranger');
    const client = await RawClient.connect(hub);
    client.send({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'stranger', clean: false, keepalive: 60, username: 'edgewise-test.azure-devices.net/stranger/?api-version=2021-04-12', password: Buffer.from(token) });
    const connack = await client.next('connack');
    expect(connack).toMatchObject({ cmd: 'connack', returnCode: 5 });
    await client.closed;
  });

  it('closes a connection that publishes to another identity’s topic, and one that publishes at QoS 2', async () => {
    hub.register('child2');
    const { client: foreign, returnCode } = await RawClient.login(hub, 'child1');
    expect(returnCode).toBe(0);
    foreign.send({ cmd: 'publish', topic: 'devices/child2/messages/events/', payload: Buffer.from('spoof'), qos: 1, messageId: 1, dup: false, retain: false });
    await foreign.closed;
    expect(foreign.received.some((packet) => packet.cmd === 'puback')).toBe(false);

    const { client: subscriber } = await RawClient.login(hub, 'child1');
    subscriber.send({ cmd: 'subscribe', messageId: 2, subscriptions: [{ topic: 'devices/child2/messages/devicebound/#', qos: 1 }] });
    await subscriber.closed;
    expect(subscriber.received.some((packet) => packet.cmd === 'suback')).toBe(false);

    const { client: qos2 } = await RawClient.login(hub, 'child1');
    qos2.send({ cmd: 'publish', topic: 'devices/child1/messages/events/', payload: Buffer.from('x'), qos: 2, messageId: 3, dup: false, retain: false });
    await qos2.closed;
    expect(hub.ingested).toEqual([]);
    expect(hub.log.filter((line) => line.startsWith('closed the connection of child1: it ')).length).toBe(3);
  });

  it('drops the older connection when the same identity connects again, lists the live clients, and forgets a session on disconnect', async () => {
    const first = await RawClient.login(hub, 'child1');
    const second = await RawClient.login(hub, 'child1');
    expect(second.returnCode).toBe(0);
    // clean=false: the second connection finds the first one's session.
    expect(second.sessionPresent).toBe(true);
    await first.client.closed;
    expect(hub.server.clients().map((client) => client.clientId)).toEqual(['child1']);
    hub.server.disconnect([{ deviceId: 'child1' }]);
    await second.client.closed;
    expect(hub.server.clients()).toEqual([]);
    const third = await RawClient.login(hub, 'child1');
    expect(third.sessionPresent).toBe(false);
    third.client.end();
  });
});
