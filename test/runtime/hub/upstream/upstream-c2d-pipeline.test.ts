// A cloud-to-device message waiting for its child device's PUBACK must not hold up the rest of the
// identity's upstream connection (MQTT.js handles inbound packets one at a time): telemetry
// PUBACKs keep coming meanwhile, and the C2D PUBACK goes up only once the device acknowledged it,
// none when delivery fails (review finding: C2D blocks the connection).
import { afterEach, expect, it } from 'vitest';
import type { InboundPublish, UpstreamConnection } from '../../../../src/runtime/hub/upstream/upstream-connection.js';
import { connectionTo, outcomeOf, startScriptedCloud, until, within, type ScriptedCloud } from './scripted-cloud.js';

let cloud: ScriptedCloud | undefined;
let connection: UpstreamConnection | undefined;

afterEach(async () => {
  await connection?.close();
  await cloud?.close();
  connection = undefined;
  cloud = undefined;
});

const DEVICEBOUND = 'devices/child/messages/devicebound/#';

function c2d(messageId: number, body: string) {
  return { cmd: 'publish' as const, topic: 'devices/child/messages/devicebound/', payload: Buffer.from(body), qos: 1 as const, messageId, dup: false, retain: false };
}

it('acknowledges telemetry while a C2D waits for its device, and the C2D only once delivered', async () => {
  const pubacks: number[] = [];
  const telemetry: string[] = [];
  cloud = await startScriptedCloud((packet, socket) => {
    if (packet.cmd === 'subscribe') {
      socket.send({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map(() => 1) });
      socket.send(c2d(7, 'first'));
    }
    if (packet.cmd === 'puback') pubacks.push(packet.messageId!);
    if (packet.cmd === 'publish') {
      telemetry.push(packet.payload.toString());
      socket.send({ cmd: 'puback', messageId: packet.messageId! });
    }
  });
  const deliveries: { message: InboundPublish; settle: (delivered: boolean) => void }[] = [];
  connection = connectionTo(cloud, { deviceId: 'child' }, {
    onPublish: (message) =>
      new Promise<void>((resolve, reject) => deliveries.push({ message, settle: (delivered) => (delivered ? resolve() : reject(new Error('the device went away'))) })),
  });
  void connection.subscribe(DEVICEBOUND);
  connection.open();
  await connection.ready();
  await until('the C2D to reach the receiver', () => deliveries.length === 1);

  // The device has not acknowledged yet: telemetry still gets its PUBACK.
  expect(await within(outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('T1'), 1)), 'the telemetry PUBACK', 15_000)).toBe('ok');
  expect(pubacks).toEqual([]);

  deliveries[0]!.settle(true);
  await until('the C2D PUBACK', () => pubacks.includes(7));

  // A delivery that fails gets no PUBACK: the cloud sends it again later.
  cloud.sockets[0]!.send(c2d(8, 'second'));
  await until('the second C2D', () => deliveries.length === 2);
  deliveries[1]!.settle(false);
  expect(await within(outcomeOf(connection.publish('devices/child/messages/events/', Buffer.from('T2'), 1)), 'the second telemetry PUBACK', 15_000)).toBe('ok');
  expect(telemetry).toEqual(['T1', 'T2']);
  expect(pubacks).toEqual([7]);
}, 40_000);
