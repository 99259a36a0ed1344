// Module-to-module messages through the real hub store: a route's BrokeredEndpoint queue
// `/modules/{m}/inputs/{i}` reaches the official module SDK's `inputMessage` handler, leaves the
// store only once the module acknowledged it, waits in the store while the module is away, goes
// highest priority first, and is sent again after a connection closed before its PUBACK
// (docs/FACTS.md §3, §5).
import { Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import type { IPublishPacket } from 'mqtt-packet';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { moduleInputEndpoint, type HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { EDGE_DEVICE_ID, RawClient, startTestHub, until, within, type TestHub } from './downstream-harness.js';

const INPUT = moduleInputEndpoint('consumer', 'input1');

async function openModule(hub: TestHub, moduleId: string): Promise<ModuleClient> {
  const client = ModuleClient.fromConnectionString(hub.connectionString(EDGE_DEVICE_ID, moduleId), Mqtt);
  await client.setOptions({ ca: hub.ca });
  await client.open();
  return client;
}

/** Receives input messages as the SDK hands them over. */
function collectInputs(module: ModuleClient): { input: string; body: string; properties: Record<string, string>; messageId?: string }[] {
  const received: { input: string; body: string; properties: Record<string, string>; messageId?: string }[] = [];
  module.on('inputMessage', (input: string, message: Message) => {
    const properties: Record<string, string> = {};
    for (let index = 0; index < message.properties.count(); index++) {
      const item = message.properties.getItem(index);
      properties[item.key] = item.value;
    }
    received.push({ input, body: message.getBytes().toString('utf8'), properties, ...(message.messageId === undefined ? {} : { messageId: message.messageId }) });
  });
  return received;
}

function depth(hub: TestHub, endpoint: string): number {
  return hub.store.messages
    .status(Date.now())
    .queues.filter((queue) => queue.endpoint === endpoint)
    .reduce((sum, queue) => sum + queue.depth, 0);
}

function storedMessage(text: string, priority = 0): { message: HubMessage; priority: number } {
  return { message: { source: { deviceId: EDGE_DEVICE_ID, moduleId: 'producer' }, outputName: 'out', properties: { n: text }, systemProperties: {}, body: Buffer.from(text), enqueuedAtMs: Date.now() }, priority };
}

describe('module inputs from the store', () => {
  let hub: TestHub;
  const opened: { close(): Promise<unknown> }[] = [];

  beforeEach(async () => {
    // Every output of `producer` goes to consumer's input1, as `FROM /messages/modules/producer/* INTO BrokeredEndpoint(...)`.
    hub = await startTestHub({ routeTo: (message) => (message.source.moduleId === 'producer' ? [{ endpoint: INPUT, priority: 0, ttlSeconds: -1 }] : []) });
    hub.register(EDGE_DEVICE_ID, 'producer');
    hub.register(EDGE_DEVICE_ID, 'consumer');
  });

  afterEach(async () => {
    for (const client of opened.splice(0)) await client.close().catch(() => undefined);
    await hub.close();
  });

  it('delivers one module’s output to another module’s input handler and then removes it from the store', async () => {
    const consumer = await openModule(hub, 'consumer');
    opened.push(consumer);
    // The SDK subscribes to its inputs once a listener is set; a message that comes first waits in the store.
    const received = collectInputs(consumer);
    const producer = await openModule(hub, 'producer');
    opened.push(producer);
    const message = new Message(JSON.stringify({ value: 42 }));
    message.messageId = 'mid-42';
    message.properties.add('unit', 'celsius');
    await producer.sendOutputEvent('out', message);
    await until(() => received.length === 1, 'the input message');
    expect(received[0]).toMatchObject({ input: 'input1', body: JSON.stringify({ value: 42 }), messageId: 'mid-42' });
    expect(received[0]!.properties).toMatchObject({ unit: 'celsius' });
    await until(() => depth(hub, INPUT) === 0 && hub.counters.delivered === 1, 'the store entry to be acknowledged');
  });

  it('keeps messages for a module that is away and delivers them, highest priority first, when it connects', async () => {
    for (const { message, priority } of [storedMessage('low-1', 5), storedMessage('high-1', 0), storedMessage('low-2', 5), storedMessage('high-2', 0)]) {
      await hub.store.messages.append(message, [{ endpoint: INPUT, priority, ttlSeconds: -1 }]);
    }
    expect(depth(hub, INPUT)).toBe(4);
    const consumer = await openModule(hub, 'consumer');
    opened.push(consumer);
    const received = collectInputs(consumer);
    await until(() => received.length === 4, 'the four stored messages');
    expect(received.map((item) => item.body)).toEqual(['high-1', 'high-2', 'low-1', 'low-2']);
    await until(() => depth(hub, INPUT) === 0, 'the store to empty');
    expect(hub.counters.delivered).toBe(4);
  });

  it('sends again what a connection never acknowledged, and nothing that expired', async () => {
    await hub.store.messages.append(storedMessage('kept').message, [{ endpoint: INPUT, priority: 0, ttlSeconds: -1 }]);
    await hub.store.messages.append(storedMessage('expired').message, [{ endpoint: INPUT, priority: 0, ttlSeconds: 0 }]);
    const first = await RawClient.login(hub, EDGE_DEVICE_ID, 'consumer');
    first.client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `devices/${EDGE_DEVICE_ID}/modules/consumer/inputs/#`, qos: 1 }] });
    const delivered = (await within(first.client.next('publish'), 'the stored entry')) as IPublishPacket;
    expect(delivered.topic).toMatch(new RegExp(`^devices/${EDGE_DEVICE_ID}/modules/consumer/inputs/input1/.+`));
    expect(delivered.qos).toBe(1);
    expect(String(delivered.payload)).toBe('kept');
    // Closed without a PUBACK: the entry stays.
    first.client.end();
    await until(() => hub.server.clients().length === 0, 'the first connection to close');
    expect(depth(hub, INPUT)).toBe(1);

    // The session (clean=false) kept the subscription: the entry comes again at once.
    const second = await RawClient.login(hub, EDGE_DEVICE_ID, 'consumer');
    expect(second.sessionPresent).toBe(true);
    const again = (await within(second.client.next('publish'), 'the entry sent again')) as IPublishPacket;
    expect(String(again.payload)).toBe('kept');
    second.client.send({ cmd: 'puback', messageId: again.messageId! });
    await until(() => depth(hub, INPUT) === 0, 'the entry to be acknowledged');
    expect(second.client.received.filter((packet) => packet.cmd === 'publish')).toEqual([]);
    second.client.end();
  });

  it('stamps the sender on the input’s property bag and keeps the message’s own properties', async () => {
    const { client } = await RawClient.login(hub, EDGE_DEVICE_ID, 'consumer');
    client.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: `devices/${EDGE_DEVICE_ID}/modules/consumer/inputs/#`, qos: 1 }] });
    await within(client.next('suback'), 'the SUBACK');
    const { message } = storedMessage('hello');
    await hub.store.messages.append({ ...message, properties: { 'a b': 'c&d' }, systemProperties: { 'message-id': 'm1', 'content-type': 'text/plain' } }, [{ endpoint: INPUT, priority: 0, ttlSeconds: -1 }]);
    // The store wakes delivery when it commits (MessageStore.onAppend).
    const delivered = (await within(client.next('publish'), 'the input appended while subscribed')) as IPublishPacket;
    const bag = new URLSearchParams(delivered.topic.split('/')[6]!.replace(/\+/g, '%2B'));
    expect(Object.fromEntries(bag)).toEqual({ 'a b': 'c&d', '$.mid': 'm1', '$.ct': 'text/plain', '$.cdid': EDGE_DEVICE_ID, '$.cmid': 'producer' });
    client.end();
  });
});
