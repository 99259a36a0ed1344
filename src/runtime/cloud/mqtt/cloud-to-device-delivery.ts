// Delivers a device's queued cloud-to-device messages on its live connection, in order, as QoS 1
// PUBLISHes on `devices/{d}/messages/devicebound/{bag}` (docs/FACTS.md §5). A message leaves the
// queue only when the device PUBACKs it; what a connection sent but never saw acknowledged is sent
// again on the next connection, as IoT Hub redelivers a message that was not completed.
import type { CloudToDeviceQueue, QueuedCloudToDeviceMessage } from '../cloud-to-device-queue.js';
import type { ClientIdentity } from '../../iothub/client-identity.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import { formatPropertyBag } from '../../iothub/property-bag.js';
import { cloudToDeviceTopic } from '../../iothub/topics.js';

export class CloudToDeviceDelivery {
  /** MQTT packet id → the message's sequence number, for messages sent and not yet acknowledged. */
  private readonly inFlight = new Map<number, number>();
  /** Acknowledged messages whose removal from the queue is not committed yet: the queue still lists them. */
  private readonly completing = new Set<number>();
  private nextPacketId = 1;

  constructor(
    private readonly channel: PacketChannel,
    private readonly identity: ClientIdentity,
    private readonly generationId: string,
    private readonly queue: CloudToDeviceQueue,
  ) {}

  /** Sends every queued message this connection has not sent yet. */
  deliverPending(): void {
    if (this.channel.isClosed || this.identity.moduleId !== undefined) return;
    const sent = new Set(this.inFlight.values());
    for (const message of this.queue.pending(this.identity.deviceId, this.generationId)) {
      if (sent.has(message.sequenceNumber) || this.completing.has(message.sequenceNumber)) continue;
      const packetId = this.takePacketId();
      this.inFlight.set(packetId, message.sequenceNumber);
      this.channel.send({ cmd: 'publish', topic: this.topicOf(message), payload: Buffer.from(message.body, 'base64'), qos: 1, messageId: packetId, dup: false, retain: false });
    }
  }

  /** A PUBACK: the message is the device's now, so it leaves the queue. */
  acknowledge(packetId: number | undefined): Promise<void> {
    const sequenceNumber = packetId === undefined ? undefined : this.inFlight.get(packetId);
    if (sequenceNumber === undefined) return Promise.resolve();
    this.inFlight.delete(packetId!);
    this.completing.add(sequenceNumber);
    // Forgotten only once the removal is committed: a message queued meanwhile must not resend this one.
    return this.queue.complete(this.identity.deviceId, sequenceNumber).finally(() => this.completing.delete(sequenceNumber));
  }

  private topicOf(message: QueuedCloudToDeviceMessage): string {
    const system: Record<string, string> = {
      '$.mid': message.messageId,
      ...(message.correlationId === undefined ? {} : { '$.cid': message.correlationId }),
      '$.to': `/devices/${message.deviceId}/messages/devicebound`,
      ...(message.expiryTimeUtc === undefined ? {} : { '$.exp': message.expiryTimeUtc }),
    };
    return cloudToDeviceTopic(message.deviceId, formatPropertyBag(message.properties, system));
  }

  /** Packet ids 1–65535 (MQTT 3.1.1 §2.3.1), skipping ones still in flight. */
  private takePacketId(): number {
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === 65535 ? 1 : id + 1;
      if (!this.inFlight.has(id)) return id;
    }
  }
}
