// Cloud-to-device messages waiting for their device, kept in the store: each device has its own
// queue, in the order messages were sent, and a message leaves it only when the device has
// acknowledged it (PUBACK) or it has expired. IoT Hub keeps at most 50 messages per device and
// refuses more with 403004 DeviceMaximumQueueDepthExceeded (Microsoft Learn, *Send cloud-to-device
// messages from an IoT hub*, and *Understand and resolve Azure IoT Hub errors*; not in
// docs/research/iothub-facts.md). Sending is the emulator's extra: IoT Hub's own send is AMQP.
import { randomUUID } from 'node:crypto';
import type { CloudStore } from '../store/open-store.js';
import { CloudError } from './cloud-error.js';
import type { IdentityRegistry } from './identities.js';

/** IoT Hub's queue depth per device. */
export const MAX_QUEUED_PER_DEVICE = 50;
/** Same as a device-to-cloud message (docs/FACTS.md §5). */
export const MAX_CLOUD_TO_DEVICE_BYTES = 256 * 1024;

export interface CloudToDeviceInput {
  body: Buffer;
  properties?: Record<string, string>;
  messageId?: string;
  correlationId?: string;
  /** ISO 8601; after it the message is dropped undelivered. */
  expiryTimeUtc?: string;
}

export interface QueuedCloudToDeviceMessage {
  /** Orders the device's queue; the emulator's own, across restarts. */
  sequenceNumber: number;
  deviceId: string;
  /** The device generation it was sent to: a device deleted and created again does not get it. */
  generationId: string;
  messageId: string;
  correlationId?: string;
  expiryTimeUtc?: string;
  /** base64 of the body's bytes. */
  body: string;
  properties: Record<string, string>;
  enqueuedTimeUtc: string;
}

export class CloudToDeviceQueue {
  private readonly listeners = new Set<(deviceId: string) => void>();
  private nextSequenceNumber = 1;

  constructor(
    private readonly store: CloudStore,
    private readonly registry: IdentityRegistry,
  ) {
    for (const key of store.cloudToDevice.getKeys()) {
      const sequence = (key as [string, number])[1];
      if (sequence >= this.nextSequenceNumber) this.nextSequenceNumber = sequence + 1;
    }
  }

  /** Queues a message for an existing device; resolves once it is on disk. */
  async enqueue(deviceId: string, input: CloudToDeviceInput): Promise<QueuedCloudToDeviceMessage> {
    const device = this.registry.getDevice(deviceId);
    if (!device) throw CloudError.deviceNotFound(deviceId);
    if (input.body.length > MAX_CLOUD_TO_DEVICE_BYTES) throw new CloudError(413, 'MessageTooLarge', `The message is ${input.body.length} bytes; IoT Hub takes at most ${MAX_CLOUD_TO_DEVICE_BYTES}.`);
    const message: QueuedCloudToDeviceMessage = {
      sequenceNumber: this.nextSequenceNumber++,
      deviceId,
      generationId: device.generationId,
      messageId: input.messageId ?? randomUUID(),
      ...(input.correlationId === undefined ? {} : { correlationId: input.correlationId }),
      ...(input.expiryTimeUtc === undefined ? {} : { expiryTimeUtc: input.expiryTimeUtc }),
      body: input.body.toString('base64'),
      properties: { ...input.properties },
      enqueuedTimeUtc: new Date().toISOString(),
    };
    // The depth check and the put in one transaction, so two sends cannot both take the 50th place.
    this.store.writeSync(() => {
      if (this.pending(deviceId, device.generationId).length >= MAX_QUEUED_PER_DEVICE) {
        throw new CloudError(403, 'DeviceMaximumQueueDepthExceeded', `Device ${deviceId} already has ${MAX_QUEUED_PER_DEVICE} undelivered cloud-to-device messages, IoT Hub's limit; let the device receive them first.`, 403004);
      }
      void this.store.cloudToDevice.put([deviceId, message.sequenceNumber], message);
    });
    for (const listener of this.listeners) {
      try {
        listener(deviceId);
      } catch {
        // A listener's failure does not undo the send.
      }
    }
    return message;
  }

  /** The device's messages in order, without expired ones or ones sent to an earlier generation. */
  pending(deviceId: string, generationId: string, now = Date.now()): QueuedCloudToDeviceMessage[] {
    const range = this.store.cloudToDevice.getRange({ start: [deviceId, 0], end: [deviceId, Number.MAX_SAFE_INTEGER] });
    const messages = [...range.map(({ value }) => value as QueuedCloudToDeviceMessage)];
    return messages.filter((message) => message.generationId === generationId && !expired(message, now));
  }

  /** Removes a message the device acknowledged. */
  async complete(deviceId: string, sequenceNumber: number): Promise<void> {
    await this.store.cloudToDevice.remove([deviceId, sequenceNumber]);
  }

  /** Drops the device's expired messages and those of an earlier generation. */
  async purge(deviceId: string, generationId: string, now = Date.now()): Promise<void> {
    const range = this.store.cloudToDevice.getRange({ start: [deviceId, 0], end: [deviceId, Number.MAX_SAFE_INTEGER] });
    const stale = [...range.filter(({ value }) => {
      const message = value as QueuedCloudToDeviceMessage;
      return message.generationId !== generationId || expired(message, now);
    }).map(({ key }) => key as [string, number])];
    await Promise.all(stale.map((key) => this.store.cloudToDevice.remove(key)));
  }

  /** Calls `listener` with the device id after each message is queued; returns the function that stops it. */
  onEnqueue(listener: (deviceId: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function expired(message: QueuedCloudToDeviceMessage, now: number): boolean {
  return message.expiryTimeUtc !== undefined && Date.parse(message.expiryTimeUtc) <= now;
}
