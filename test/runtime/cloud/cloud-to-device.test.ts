// Cloud-to-device messages: sent with the emulator's REST extra (POST /edgewise/devices/{id}/messages,
// what `edgewise cloud send` calls) and received by the official device SDK over MQTT
// (`client.on('message')`), whether the device was connected when it was sent, connected later, or
// connected only after the emulator restarted; in order; kept until the device PUBACKs it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Client, Message } from 'azure-iot-device';
import type { IPublishPacket } from 'mqtt-packet';
import { startCloud, type RunningCloud } from '../../../src/runtime/cloud/cloud-server.js';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import { ServiceClient } from '../../../src/runtime/cloud/service-client.js';
import { ownerToken, rawRequest, startTestCloud, type TestCloud } from './cloud-support.js';
import { RawClient, startHubWithSensorAndGateway, type Hub } from './mqtt-harness.js';
import { openDevice } from './sdk-clients.js';

const clouds: TestCloud[] = [];
const devices: Client[] = [];
const hubs: Hub[] = [];
/** Emulators started again on a test cloud's folder: closed before that folder is removed. */
const restarted: RunningCloud[] = [];

afterAll(async () => {
  await Promise.all(devices.map((device) => device.close()));
  for (const running of restarted) await running.close();
  for (const cloud of clouds) await cloud.close();
  for (const hub of hubs) await hub.close();
});

async function cloudWithDevice(deviceId: string): Promise<{ cloud: TestCloud; connectionString: string }> {
  const cloud = await startTestCloud();
  clouds.push(cloud);
  const device = await cloud.client.createDevice(deviceId);
  return { cloud, connectionString: cloud.client.connectionString(deviceId, device.authentication.symmetricKey.primaryKey) };
}

/** Opens the device and collects its cloud-to-device messages, completing each as the SDK asks. */
async function receiving(cloud: TestCloud, connectionString: string): Promise<{ device: Client; messages: Message[]; arrived(count: number): Promise<Message[]> }> {
  const device = await openDevice(cloud, connectionString);
  devices.push(device);
  const messages: Message[] = [];
  const wakers: (() => void)[] = [];
  device.on('message', (message: Message) => {
    messages.push(message);
    device.complete(message, () => undefined);
    for (const wake of wakers.splice(0)) wake();
  });
  const arrived = async (count: number): Promise<Message[]> => {
    while (messages.length < count) await new Promise<void>((resolve) => wakers.push(resolve));
    return messages.slice(0, count);
  };
  return { device, messages, arrived };
}

const properties = (message: Message): Record<string, string> => {
  const entries: Record<string, string> = {};
  for (let index = 0; index < message.properties.count(); index++) {
    const { key, value } = message.properties.getItem(index);
    entries[key] = value;
  }
  return entries;
};

describe('cloud-to-device messages through the REST extra and the device SDK', () => {
  it('reaches a connected device with its body, properties, message id and correlation id', async () => {
    const { cloud, connectionString } = await cloudWithDevice('c2d-online');
    const receiver = await receiving(cloud, connectionString);
    const { messageId } = await cloud.client.sendCloudToDevice('c2d-online', { body: 'open valve', properties: { priority: 'high', 'a b&c': 'x=y/z' }, correlationId: 'job-7' });
    const [message] = await receiver.arrived(1);
    expect(message!.getBytes().toString('utf8')).toBe('open valve');
    expect(message!.messageId).toBe(messageId);
    expect(message!.correlationId).toBe('job-7');
    expect(message!.to).toBe('/devices/c2d-online/messages/devicebound');
    expect(properties(message!)).toEqual({ priority: 'high', 'a b&c': 'x=y/z' });
  });

  it('keeps messages for an offline device and delivers them in order when it connects, also after a restart', async () => {
    // The ports change with the restart, so the device connects with a connection string made after it.
    const { cloud } = await cloudWithDevice('c2d-offline');
    await cloud.client.sendCloudToDevice('c2d-offline', { body: 'first' });
    await cloud.client.sendCloudToDevice('c2d-offline', { body: Buffer.from([0, 1, 2, 255]).toString('base64'), bodyEncoding: 'base64' });
    await cloud.running.close();
    // The same data folder, a new emulator: the queue is on disk.
    cloud.running = await startCloud({ dataFolder: cloud.folder, mqttPort: 0, httpsPort: 0 });
    restarted.push(cloud.running);
    cloud.client = ServiceClient.fromDataFolder(cloud.folder);
    await cloud.client.sendCloudToDevice('c2d-offline', { body: 'third' });
    const device = await cloud.client.getDevice('c2d-offline');
    const receiver = await receiving(cloud, cloud.client.connectionString('c2d-offline', device.authentication.symmetricKey.primaryKey));
    const messages = await receiver.arrived(3);
    expect(messages.map((message) => message.getBytes().toString('hex'))).toEqual([Buffer.from('first').toString('hex'), '000102ff', Buffer.from('third').toString('hex')]);
    // Delivery is at least once, as IoT Hub's: an acknowledgement still in flight when the client
    // closes may bring a message again. Whatever comes before the new one is one of those three,
    // never a message out of order or unknown (that acknowledged messages leave the queue is the
    // raw-client test's subject below).
    await receiver.device.close();
    const again = await receiving(cloud, cloud.client.connectionString('c2d-offline', device.authentication.symmetricKey.primaryKey));
    await cloud.client.sendCloudToDevice('c2d-offline', { body: 'fourth' });
    const seen = Buffer.from('fourth').toString('hex');
    let received: Message[] = [];
    for (let count = 1; !received.some((message) => message.getBytes().toString('hex') === seen); count++) received = await again.arrived(count);
    const before = received.slice(0, -1).map((message) => message.getBytes().toString('hex'));
    const earlier = messages.map((message) => message.getBytes().toString('hex'));
    expect(before.every((body) => earlier.includes(body))).toBe(true);
    expect(before).toEqual([...before].sort((a, b) => earlier.indexOf(a) - earlier.indexOf(b)));
  });

  it('answers 404 DeviceNotFound for an unknown device, 400 for a bad body, and 403 for a 51st queued message', async () => {
    const { cloud } = await cloudWithDevice('c2d-full');
    await expect(cloud.client.sendCloudToDevice('no-such-device', { body: 'x' })).rejects.toMatchObject({ status: 404, errorCode: 'DeviceNotFound' });
    const bad = await rawRequest(cloud, 'POST', '/edgewise/devices/c2d-full/messages', { body: { body: 42 }, authorization: ownerToken(cloud) });
    expect(bad.status).toBe(400);
    for (let index = 0; index < 50; index++) await cloud.client.sendCloudToDevice('c2d-full', { body: `m${index}` });
    const refused = await cloud.client.sendCloudToDevice('c2d-full', { body: 'one too many' }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(CloudError);
    expect(refused).toMatchObject({ status: 403, errorCode: 'DeviceMaximumQueueDepthExceeded' });
  });
});

describe('cloud-to-device delivery on the wire', () => {
  it('sends a message again on the next connection when the device did not PUBACK it, and drops expired ones', async () => {
    const hub = await startHubWithSensorAndGateway();
    hubs.push(hub);
    const generationId = hub.registry.getDevice('sensor')!.generationId;
    await hub.cloudToDevice.enqueue('sensor', { body: Buffer.from('stale'), expiryTimeUtc: new Date(Date.now() - 1000).toISOString() });
    await hub.cloudToDevice.enqueue('sensor', { body: Buffer.from('keep'), messageId: 'm-1' });

    const first = await RawClient.connect(hub);
    expect(await first.login(hub, 'sensor')).toBe(0);
    first.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'devices/sensor/messages/devicebound/#', qos: 1 }] });
    const delivered = (await first.next('publish')) as IPublishPacket;
    expect(delivered.qos).toBe(1);
    expect(delivered.topic).toBe('devices/sensor/messages/devicebound/%24.mid=m-1&%24.to=%2Fdevices%2Fsensor%2Fmessages%2Fdevicebound');
    expect(Buffer.from(delivered.payload).toString()).toBe('keep');
    // Gone without a PUBACK: the message stays queued.
    first.end();
    await first.closed;

    const second = await RawClient.connect(hub);
    expect(await second.login(hub, 'sensor')).toBe(0);
    // The session (clean=false) kept the subscription, so the message comes without a new SUBSCRIBE.
    const again = (await second.next('publish')) as IPublishPacket;
    expect(Buffer.from(again.payload).toString()).toBe('keep');
    second.send({ cmd: 'puback', messageId: again.messageId! });
    await expect.poll(() => hub.cloudToDevice.pending('sensor', generationId).length).toBe(0);
    second.end();
    await second.closed;
  });
});
