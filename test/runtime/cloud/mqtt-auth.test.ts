// Who may connect and what a connection may reach: IoT Hub refuses a wrong key, an expired token,
// a token for another audience and a disabled identity with CONNACK 5, and closes a connection that
// touches another identity's topics (docs/FACTS.md §4–§5; docs/research/iothub-facts.md §7–§8).
// After every refusal a good client still connects: the server stays up.
import { randomBytes } from 'node:crypto';
import { Client, Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { RawClient, startHub, type Hub } from './mqtt-harness.js';
import { nowSeconds, openDevice } from './sdk-clients.js';

describe('MQTT authentication and topic access', () => {
  let hub: Hub;

  beforeAll(async () => {
    hub = await startHub();
    await hub.registry.createDevice({ deviceId: 'sensor' });
    await hub.registry.createDevice({ deviceId: 'other' });
    await hub.registry.createDevice({ deviceId: 'switched-off' });
    await hub.registry.updateDevice({ deviceId: 'switched-off', status: 'disabled' }, '*');
    await hub.registry.createDevice({ deviceId: 'gateway' });
    await hub.registry.createModule({ deviceId: 'gateway', moduleId: 'filter' });
  });

  afterAll(async () => {
    await hub?.close();
  });

  /** A good client still connects and its message is stored: the refusal hurt nobody else. */
  async function serverStillServes(): Promise<void> {
    const before = hub.telemetry.read().length;
    const client = await openDevice(hub, hub.connectionString('sensor'));
    try {
      await client.sendEvent(new Message('still here'));
    } finally {
      await client.close();
    }
    expect(hub.telemetry.read().slice(before).map((record) => record.body)).toEqual(['still here']);
  }

  async function refusedWith(client: Client): Promise<string> {
    await client.setOptions({ ca: hub.ca });
    try {
      await client.open();
    } catch (error) {
      return (error as Error).name;
    } finally {
      await client.close();
    }
    return 'accepted';
  }

  it('refuses a connection string with the wrong key', async () => {
    const wrongKey = deviceConnectionString(hub.hostName, 'sensor', randomBytes(32).toString('base64'));
    expect(await refusedWith(Client.fromConnectionString(wrongKey, Mqtt))).toBe('UnauthorizedError');
    expect(hub.refusals.at(-1)).toEqual({ clientId: 'sensor', reason: 'the SharedAccessSignature is refused: bad-signature' });
    await serverStillServes();
  });

  it('refuses an expired token', async () => {
    const expired = hub.token('sensor', undefined, nowSeconds() - 60);
    expect(await refusedWith(Client.fromSharedAccessSignature(expired, Mqtt))).toBe('UnauthorizedError');
    await serverStillServes();
  });

  it('refuses a disabled device and an unknown one', async () => {
    const disabled = hub.connectionString('switched-off');
    expect(await refusedWith(Client.fromConnectionString(disabled, Mqtt))).toBe('UnauthorizedError');
    const unknown = deviceConnectionString(hub.hostName, 'nobody', randomBytes(32).toString('base64'));
    expect(await refusedWith(Client.fromConnectionString(unknown, Mqtt))).toBe('UnauthorizedError');
    await serverStillServes();
  });

  it('answers CONNACK 5 to a token for another audience, and 4, 2 or 1 to a malformed CONNECT', async () => {
    const connect = { cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: false, keepalive: 60 } as const;
    const username = (clientId: string): string => `${hub.hostName}/${clientId}/?api-version=2021-04-12`;
    const cases: [string, Parameters<RawClient['send']>[0], number][] = [
      ['a token for another device', { ...connect, clientId: 'sensor', username: username('sensor'), password: Buffer.from(hub.token('other', undefined, nowSeconds() + 600)) }, 5],
      [
        'a token for another hub',
        { ...connect, clientId: 'sensor', username: username('sensor'), password: Buffer.from(hub.token('sensor', undefined, nowSeconds() + 600, 'elsewhere.azure-devices.net')) },
        5,
      ],
      ['a module presenting its device’s token', { ...connect, clientId: 'gateway/filter', username: username('gateway/filter'), password: Buffer.from(hub.token('gateway', undefined, nowSeconds() + 600)) }, 5],
      ['a username for another client id', { ...connect, clientId: 'sensor', username: username('other'), password: Buffer.from(hub.token('sensor', undefined, nowSeconds() + 600)) }, 4],
      ['no password', { ...connect, clientId: 'sensor', username: username('sensor') }, 4],
      ['a client id with three parts', { ...connect, clientId: 'a/b/c', username: username('a/b/c'), password: Buffer.from('x') }, 2],
      ['MQTT 3.1', { ...connect, protocolId: 'MQIsdp', protocolVersion: 3, clientId: 'sensor', username: username('sensor'), password: Buffer.from('x') }, 1],
    ];
    for (const [what, packet, returnCode] of cases) {
      const raw = await RawClient.connect(hub);
      raw.send(packet);
      const connack = await raw.next('connack');
      expect([what, connack?.cmd === 'connack' ? connack.returnCode : 'no CONNACK']).toEqual([what, returnCode]);
      await raw.closed;
    }
    await serverStillServes();
  });

  it('closes a connection that publishes to another identity’s topic, without PUBACK', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'sensor')).toBe(0);
    raw.send({ cmd: 'publish', topic: 'devices/other/messages/events/', payload: Buffer.from('spoofed'), qos: 1, messageId: 7, dup: false, retain: false });
    await raw.closed;
    expect(raw.received.filter((packet) => packet.cmd === 'puback')).toEqual([]);
    expect(hub.telemetry.read().some((record) => record.body === 'spoofed')).toBe(false);
    expect(hub.refusals.at(-1)).toEqual({ clientId: 'sensor', reason: 'it published to "devices/other/messages/events/", which is not one of its own topics' });
    await serverStillServes();
  });

  it('closes a connection that subscribes to another identity’s topic, without SUBACK', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'gateway', 'filter')).toBe(0);
    raw.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'devices/other/messages/devicebound/#', qos: 1 }] });
    await raw.closed;
    expect(raw.received.filter((packet) => packet.cmd === 'suback')).toEqual([]);
    await serverStillServes();
  });

  it('grants the subscriptions IoT Hub serves, QoS 2 as 1', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'sensor')).toBe(0);
    raw.send({
      cmd: 'subscribe',
      messageId: 4,
      subscriptions: [
        { topic: '$iothub/methods/POST/#', qos: 0 },
        { topic: 'devices/sensor/messages/devicebound/#', qos: 2 },
      ],
    });
    const suback = await raw.next('suback');
    expect(suback).toMatchObject({ messageId: 4, granted: [0, 1] });
    raw.end();
  });

  it('closes a connection on bytes that are not MQTT, before and after CONNECT', async () => {
    const early = await RawClient.connect(hub);
    early.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await early.closed;

    const late = await RawClient.connect(hub);
    expect(await late.login(hub, 'sensor')).toBe(0);
    // A remaining length encoded in five bytes: MQTT allows four at most.
    late.write(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x7f]));
    await late.closed;
    await serverStillServes();
  });

  it('closes a connection that sends a packet larger than IoT Hub takes', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'sensor')).toBe(0);
    // A PUBLISH announcing 1 MB, then 400 KB of it: the hub stops reading long before the end.
    raw.write(Buffer.from([0x30, 0x80, 0x80, 0x40]));
    raw.write(Buffer.alloc(400 * 1024, 0x61));
    await raw.closed;
    await serverStillServes();
  });

  it('keeps a connection that pings within its keepalive, and closes it once silent for 1.5 × its keepalive', async () => {
    const raw = await RawClient.connect(hub);
    expect(await raw.login(hub, 'sensor', undefined, { keepalive: 1 })).toBe(0);
    // Silent for half the keepalive at a time, four times: 2 s in all, past 1.5 × 1 s, so only the
    // pings keep it open. A PINGRESP is the proof it is open; a closed socket yields undefined.
    for (let ping = 1; ping <= 4; ping += 1) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      raw.send({ cmd: 'pingreq' });
      expect([ping, (await raw.next('pingresp'))?.cmd]).toEqual([ping, 'pingresp']);
    }
    const before = hub.refusals.length;
    // Now silence: the hub closes it, and says why.
    await raw.closed;
    expect(hub.refusals.slice(before)).toEqual([{ clientId: 'sensor', reason: 'it was silent for 1.5 s (its keepalive is 1 s)' }]);
  });

  it('drops the older connection when the same identity connects again', async () => {
    const first = await RawClient.connect(hub);
    expect(await first.login(hub, 'sensor')).toBe(0);
    const second = await RawClient.connect(hub);
    expect(await second.login(hub, 'sensor')).toBe(0);
    await first.closed;
    second.send({ cmd: 'pingreq' });
    expect(await second.next('pingresp')).toEqual(expect.objectContaining({ cmd: 'pingresp' }));
    second.end();
  });
});
