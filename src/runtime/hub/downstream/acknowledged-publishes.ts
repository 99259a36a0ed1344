// QoS 1 deliveries from the hub to one client (module inputs, cloud-to-device messages): each
// PUBLISH gets a packet id, and its promise settles on that id's PUBACK, or fails when the
// connection closes first, so whoever sent it knows the message is still theirs to resend.
import type { PacketChannel } from '../../iothub/packet-channel.js';

/** Packet ids run 1–65535 (MQTT 3.1.1 §2.3.1). */
const MAX_PACKET_ID = 65535;

export class ConnectionClosedError extends Error {
  override name = 'ConnectionClosedError';
}

interface Waiting {
  resolve(): void;
  reject(error: Error): void;
}

export class AcknowledgedPublishes {
  private readonly waiting = new Map<number, Waiting>();
  private nextPacketId = 1;

  constructor(private readonly channel: PacketChannel) {
    channel.onClose(() => {
      const error = new ConnectionClosedError('the connection closed before the client acknowledged');
      for (const waiting of this.waiting.values()) waiting.reject(error);
      this.waiting.clear();
    });
  }

  get inFlight(): number {
    return this.waiting.size;
  }

  /** Sends at QoS 1; resolves on the client's PUBACK. */
  send(topic: string, payload: Buffer): Promise<void> {
    if (this.channel.isClosed) return Promise.reject(new ConnectionClosedError('the connection is closed'));
    if (this.waiting.size >= MAX_PACKET_ID) return Promise.reject(new Error('every packet id is in flight'));
    const messageId = this.takePacketId();
    return new Promise<void>((resolve, reject) => {
      this.waiting.set(messageId, { resolve, reject });
      this.channel.send({ cmd: 'publish', topic, payload, qos: 1, messageId, dup: false, retain: false });
    });
  }

  /** A PUBACK from the client; one for an id not in flight is ignored. */
  acknowledge(packetId: number | undefined): void {
    if (packetId === undefined) return;
    const waiting = this.waiting.get(packetId);
    this.waiting.delete(packetId);
    waiting?.resolve();
  }

  private takePacketId(): number {
    for (;;) {
      const id = this.nextPacketId;
      this.nextPacketId = id === MAX_PACKET_ID ? 1 : id + 1;
      if (!this.waiting.has(id)) return id;
    }
  }
}
