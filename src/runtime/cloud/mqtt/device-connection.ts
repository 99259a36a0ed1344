// One authenticated device or module connection: what each packet it sends means and what the hub
// answers. Telemetry is acknowledged only once the telemetry log has committed it; twin requests
// are answered one after another so a GET sees the PATCH sent before it; a topic that is not the
// identity's own, a QoS 2 PUBLISH or an unexpected packet closes the connection, as IoT Hub
// "terminates the connection" where AMQP would return an error (docs/research/iothub-facts.md §7).
import type { IPublishPacket, ISubscribePacket, IUnsubscribePacket, Packet } from 'mqtt-packet';
import type { CloudToDeviceQueue } from '../cloud-to-device-queue.js';
import type { TelemetryLog } from '../telemetry-log.js';
import type { TwinStore } from '../twins.js';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { CloudToDeviceDelivery } from './cloud-to-device-delivery.js';
import type { DirectMethodBroker } from './method-broker.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import { parsePropertyBag } from '../../iothub/property-bag.js';
import type { LiveConnection, SessionRegistry } from './sessions.js';
import { telemetryMessage } from './telemetry.js';
import { classifyPublish, classifySubscription, twinResponseTopic } from '../../iothub/topics.js';
import { answerReportedPatch, answerTwinGet, type TwinReply } from './twin-requests.js';

/** IoT Hub's largest device-to-cloud message (docs/FACTS.md §5). */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** setTimeout's longest delay; a token valid for longer is not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface DeviceServices {
  twins: TwinStore;
  telemetry: TelemetryLog;
  sessions: SessionRegistry;
  methods: DirectMethodBroker;
  cloudToDevice: CloudToDeviceQueue;
  /** Told why the hub closes a connection, for the operator's log. */
  onRefusal?: (clientId: string, reason: string) => void;
}

export class DeviceConnection implements LiveConnection {
  /** Twin requests in arrival order; each waits for the one before. */
  private twinQueue: Promise<void> = Promise.resolve();
  private readonly expiryTimer: NodeJS.Timeout | undefined;
  private readonly delivery: CloudToDeviceDelivery;

  constructor(
    private readonly channel: PacketChannel,
    readonly identity: ClientIdentity,
    private readonly generationId: string,
    tokenExpiresInMs: number,
    private readonly services: DeviceServices,
  ) {
    // IoT Hub severs a connection when its token expires (docs/research/iothub-facts.md §8); the
    // SDK renews 15 minutes before, by reconnecting.
    if (tokenExpiresInMs <= MAX_TIMER_MS) this.expiryTimer = setTimeout(() => this.refuse('its SharedAccessSignature expired'), Math.max(tokenExpiresInMs, 0));
    channel.onClose(() => clearTimeout(this.expiryTimer));
    this.delivery = new CloudToDeviceDelivery(channel, identity, generationId, services.cloudToDevice);
  }

  get clientId(): string {
    return identityKey(this.identity);
  }

  publish(topic: string, payload: string): void {
    this.channel.send({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false });
  }

  close(): void {
    this.channel.close();
  }

  /** Sends the device's queued cloud-to-device messages, when its session subscribed to them. */
  deliverCloudToDevice(): void {
    if (this.services.sessions.subscriber(this.identity, 'cloud-to-device') === this) this.delivery.deliverPending();
  }

  /** Closes the connection for a reason the operator may want to know. */
  private refuse(reason: string): void {
    if (this.channel.isClosed) return;
    this.services.onRefusal?.(this.clientId, reason);
    this.close();
  }

  handle(packet: Packet): void {
    switch (packet.cmd) {
      case 'publish':
        return this.onPublish(packet);
      case 'subscribe':
        return this.onSubscribe(packet);
      case 'unsubscribe':
        return this.onUnsubscribe(packet);
      case 'pingreq':
        return this.channel.send({ cmd: 'pingresp' });
      case 'puback':
        // Acknowledges a cloud-to-device message, which then leaves the queue.
        this.delivery.acknowledge(packet.messageId).catch((error: unknown) => this.refuse(`its acknowledgement could not be stored (${(error as Error).message})`));
        return;
      case 'disconnect':
        return this.close();
      default:
        // A second CONNECT, or a packet only a server sends.
        return this.refuse(`it sent an unexpected ${packet.cmd.toUpperCase()} packet`);
    }
  }

  private onPublish(packet: IPublishPacket): void {
    // IoT Hub closes the connection on a QoS 2 PUBLISH (docs/research/iothub-facts.md §7).
    if (packet.qos === 2) return this.refuse('it published at QoS 2, which IoT Hub does not take');
    const topic = classifyPublish(packet.topic, this.identity);
    if (topic === undefined) return this.refuse(`it published to ${quoted(packet.topic)}, which is not one of its own topics`);
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload, 'utf8') : packet.payload;
    switch (topic.kind) {
      case 'telemetry':
        return this.onTelemetry(packet, topic.bag, payload);
      case 'twin-get':
        this.acknowledge(packet);
        return this.answerTwin(topic.rid, () => answerTwinGet(this.services.twins, this.identity));
      case 'twin-reported':
        this.acknowledge(packet);
        return this.answerTwin(topic.rid, () => answerReportedPatch(this.services.twins, this.identity, payload));
      case 'method-response':
        this.acknowledge(packet);
        return this.services.methods.complete(this.identity, topic.rid, topic.status, payload);
    }
  }

  private onTelemetry(packet: IPublishPacket, bagText: string, body: Buffer): void {
    const bag = parsePropertyBag(bagText);
    if (bag === undefined) return this.refuse(`its property bag ${quoted(bagText)} is not valid percent-encoding`);
    if (body.length > MAX_MESSAGE_BYTES) return this.refuse(`its message of ${body.length} bytes is over IoT Hub's ${MAX_MESSAGE_BYTES}-byte limit`);
    const message = telemetryMessage({ identity: this.identity, generationId: this.generationId }, bag, body, packet.retain);
    // append is called in arrival order, so the log keeps that order; PUBACK waits for the commit.
    this.services.telemetry.append(message).then(
      () => this.acknowledge(packet),
      // Not stored, so not acknowledged: the client sends it again on its next connection.
      (error: unknown) => this.refuse(`its message could not be stored (${(error as Error).message})`),
    );
  }

  private answerTwin(rid: string, answer: () => TwinReply | Promise<TwinReply>): void {
    this.twinQueue = this.twinQueue
      .then(async () => {
        const reply = await answer();
        // IoT Hub answers on `$iothub/twin/res/#`, so only a client subscribed to it hears back.
        if (this.services.sessions.subscriber(this.identity, 'twin-responses') === this) {
          this.publish(twinResponseTopic(reply.status, rid, reply.version), reply.body);
        }
      })
      .catch((error: unknown) => this.refuse(`its twin request failed (${(error as Error).message})`));
  }

  private onSubscribe(packet: ISubscribePacket): void {
    const kinds = packet.subscriptions.map((subscription) => classifySubscription(subscription.topic, this.identity));
    const refused = packet.subscriptions.find((_, index) => kinds[index] === undefined);
    if (refused !== undefined) return this.refuse(`it subscribed to ${quoted(refused.topic)}, which is not one of its own topics`);
    // IoT Hub grants QoS 1 to a QoS 2 request (docs/research/iothub-facts.md §7).
    const granted = packet.subscriptions.map((subscription) => Math.min(subscription.qos, 1));
    kinds.forEach((kind, index) => this.services.sessions.subscribe(this, kind!, granted[index]!));
    this.channel.send({ cmd: 'suback', messageId: packet.messageId, granted });
    if (kinds.includes('cloud-to-device')) this.deliverCloudToDevice();
  }

  private onUnsubscribe(packet: IUnsubscribePacket): void {
    for (const filter of packet.unsubscriptions) {
      const kind = classifySubscription(filter, this.identity);
      if (kind !== undefined) this.services.sessions.unsubscribe(this, kind);
    }
    this.channel.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });
  }

  private acknowledge(packet: IPublishPacket): void {
    if (packet.qos === 1) this.channel.send({ cmd: 'puback', messageId: packet.messageId });
  }
}

/** A client's text in a log line: quoted, and cut short, since a topic may be long. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
