// A regression test: the emulator's delivery once forgot a message as soon as the device's PUBACK
// came (CloudToDeviceDelivery.acknowledge), while the queue removes it with an asynchronous lmdb
// write that commits later; a message queued in between made deliverPending find the acknowledged
// message still queued and no longer in flight, and send it again. IoT Hub delivers at least once,
// but sends again only what was not acknowledged (on a new connection). This drives the emulator's
// own queue and delivery on a real store, with the device's PUBACK and the next send in the same
// turn, as they meet on a busy emulator.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IPublishPacket, Packet } from 'mqtt-packet';
import { afterEach, expect, it } from 'vitest';
import { CloudToDeviceQueue } from '../../../src/runtime/cloud/cloud-to-device-queue.js';
import { IdentityRegistry } from '../../../src/runtime/cloud/identities.js';
import { CloudToDeviceDelivery } from '../../../src/runtime/cloud/mqtt/cloud-to-device-delivery.js';
import type { PacketChannel } from '../../../src/runtime/iothub/packet-channel.js';
import { openCloudStore, type CloudStore } from '../../../src/runtime/store/open-store.js';

let store: CloudStore | undefined;
let folder: string | undefined;

afterEach(async () => {
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
});

it('sends an acknowledged cloud-to-device message only once, even when the next one is queued before its removal commits', async () => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-c2d-once-'));
  store = openCloudStore(folder);
  const registry = new IdentityRegistry(store);
  const queue = new CloudToDeviceQueue(store, registry);
  const device = await registry.createDevice({ deviceId: 'd' });
  const published: IPublishPacket[] = [];
  // The device's side of its connection: what the emulator sends it.
  const channel = { isClosed: false, send: (packet: Packet) => published.push(packet as IPublishPacket) } as unknown as PacketChannel;
  const delivery = new CloudToDeviceDelivery(channel, { deviceId: 'd' }, device.generationId, queue);
  queue.onEnqueue(() => delivery.deliverPending());

  await queue.enqueue('d', { body: Buffer.from('first') });
  expect(published.map((packet) => packet.payload.toString())).toEqual(['first']);
  // The device's PUBACK, and a second send arriving before the removal has committed.
  const acknowledged = delivery.acknowledge(published[0]!.messageId);
  await queue.enqueue('d', { body: Buffer.from('second') });
  await acknowledged;
  expect(published.map((packet) => packet.payload.toString())).toEqual(['first', 'second']);
});
