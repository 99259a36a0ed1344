// One authenticated device or module connection in IoT Hub's MQTT dialect, for the emulator and
// the edge hub alike: what each packet means and what the server answers. Telemetry is
// acknowledged only once the server has kept it; twin requests are answered one after another so
// a GET sees the PATCH sent before it; a topic that is not the identity's own, a QoS 2 PUBLISH or
// an unexpected packet closes the connection, as IoT Hub "terminates the connection" where AMQP
// would return an error (docs/FACTS.md §5; docs/research/iothub-facts.md §7). Where messages and
// twins live is the subclass's.
import type { IPublishPacket, ISubscribePacket, IUnsubscribePacket, Packet } from 'mqtt-packet';
import { identityKey, type ClientIdentity } from './client-identity.js';
import type { PacketChannel } from './packet-channel.js';
import { parsePropertyBag, type PropertyBag } from './property-bag.js';
import type { LiveConnection, SessionRegistry } from './sessions.js';
import { classifyPublish, classifySubscription, twinResponseTopic, type SubscriptionKind } from './topics.js';

/** IoT Hub's largest device-to-cloud message (docs/FACTS.md §5). */
export const MAX_MESSAGE_BYTES = 256 * 1024;
/**
 * Telemetry received and not yet kept (so not yet acknowledged) that one connection may have:
 * past either limit the server stops reading its socket, and reads again below half of both, so
 * a client cannot make the server hold any amount in memory while storage is slow.
 */
export const MAX_UNACKNOWLEDGED_MESSAGES = 256;
export const MAX_UNACKNOWLEDGED_BYTES = 16 * 1024 * 1024;
/** setTimeout's longest delay; a token valid for longer is not timed. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** The answer to a twin request, sent on `$iothub/twin/res/{status}/?$rid=…[&$version=…]`. */
export interface TwinAnswer {
  status: number;
  /** The new reported `$version`, sent on the response topic after a PATCH. */
  version?: number;
  body: string;
}

export interface DialectContext {
  sessions: SessionRegistry<LiveConnection>;
  /** Settles the direct-method call a device's reply answers. */
  methods: { complete(identity: ClientIdentity, rid: string, status: number, payload: Buffer): void };
  /** Told why the server closes a connection, for the operator's log. */
  onRefusal?: (clientId: string, reason: string) => void;
}

export abstract class DialectConnection implements LiveConnection {
  /** Twin requests in arrival order; each waits for the one before. */
  private twinQueue: Promise<void> = Promise.resolve();
  private readonly expiryTimer: NodeJS.Timeout | undefined;
  private readonly unacknowledged = { messages: 0, bytes: 0 };

  constructor(
    protected readonly channel: PacketChannel,
    readonly identity: ClientIdentity,
    tokenExpiresInMs: number,
    private readonly dialect: DialectContext,
  ) {
    // IoT Hub severs a connection when its token expires (docs/research/iothub-facts.md §8); the
    // SDK renews 15 minutes before, by reconnecting.
    if (tokenExpiresInMs <= MAX_TIMER_MS) this.expiryTimer = setTimeout(() => this.refuse('its SharedAccessSignature expired'), Math.max(tokenExpiresInMs, 0));
    channel.onClose(() => clearTimeout(this.expiryTimer));
  }

  /** Keeps a telemetry message; resolves once it is kept (then the PUBACK goes), rejects to refuse it. */
  protected abstract keepTelemetry(bag: PropertyBag, body: Buffer, retain: boolean): Promise<void>;
  protected abstract answerTwinGet(): TwinAnswer | Promise<TwinAnswer>;
  protected abstract answerReportedPatch(payload: Buffer): TwinAnswer | Promise<TwinAnswer>;
  /** The client's PUBACK of a QoS 1 message the server sent it. */
  protected abstract onAcknowledged(packetId: number | undefined): void;
  /** After a SUBACK: what the connection subscribed to. */
  protected onSubscribed(_kinds: readonly SubscriptionKind[]): void {}
  protected onUnsubscribed(_kinds: readonly SubscriptionKind[]): void {}
  /** Told of each telemetry message until it is acknowledged or refused. */
  protected trackTelemetry(_work: Promise<void>): void {}

  get clientId(): string {
    return identityKey(this.identity);
  }

  /** QoS 0, as IoT Hub sends twin answers, desired patches and method requests. */
  publish(topic: string, payload: string): void {
    this.channel.send({ cmd: 'publish', topic, payload, qos: 0, dup: false, retain: false });
  }

  close(): void {
    this.channel.close();
  }

  /** Closes the connection for a reason the operator may want to know. */
  refuse(reason: string): void {
    if (this.channel.isClosed) return;
    this.dialect.onRefusal?.(this.clientId, reason);
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
        return this.onAcknowledged(packet.messageId);
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
        return this.answerTwin(topic.rid, () => this.answerTwinGet());
      case 'twin-reported':
        this.acknowledge(packet);
        return this.answerTwin(topic.rid, () => this.answerReportedPatch(payload));
      case 'method-response':
        this.acknowledge(packet);
        return this.dialect.methods.complete(this.identity, topic.rid, topic.status, payload);
    }
  }

  private onTelemetry(packet: IPublishPacket, bagText: string, body: Buffer): void {
    const bag = parsePropertyBag(bagText);
    if (bag === undefined) return this.refuse(`its property bag ${quoted(bagText)} is not valid percent-encoding`);
    if (body.length > MAX_MESSAGE_BYTES) return this.refuse(`its message of ${body.length} bytes is over IoT Hub's ${MAX_MESSAGE_BYTES}-byte limit`);
    this.holdUnacknowledged(1, body.length);
    // Kept in arrival order, so the PUBACKs keep that order too.
    const work = this.keepTelemetry(bag, body, packet.retain)
      .then(
        () => this.acknowledge(packet),
        // Not kept, so not acknowledged: the client sends it again on its next connection.
        (error: unknown) => this.refuse(`its message could not be stored (${(error as Error).message})`),
      )
      .finally(() => this.holdUnacknowledged(-1, -body.length));
    this.trackTelemetry(work);
  }

  private holdUnacknowledged(messages: number, bytes: number): void {
    const held = this.unacknowledged;
    held.messages += messages;
    held.bytes += bytes;
    if (held.messages >= MAX_UNACKNOWLEDGED_MESSAGES || held.bytes >= MAX_UNACKNOWLEDGED_BYTES) this.channel.pause();
    else if (held.messages <= MAX_UNACKNOWLEDGED_MESSAGES / 2 && held.bytes <= MAX_UNACKNOWLEDGED_BYTES / 2) this.channel.resume();
  }

  private answerTwin(rid: string, answer: () => TwinAnswer | Promise<TwinAnswer>): void {
    this.twinQueue = this.twinQueue
      .then(async () => {
        const reply = await answer();
        // IoT Hub answers on `$iothub/twin/res/#`, so only a client subscribed to it hears back.
        if (this.dialect.sessions.subscriber(this.identity, 'twin-responses') === this) {
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
    kinds.forEach((kind, index) => this.dialect.sessions.subscribe(this, kind!, granted[index]!));
    this.channel.send({ cmd: 'suback', messageId: packet.messageId, granted });
    this.onSubscribed(kinds as SubscriptionKind[]);
  }

  private onUnsubscribe(packet: IUnsubscribePacket): void {
    const kinds: SubscriptionKind[] = [];
    for (const filter of packet.unsubscriptions) {
      const kind = classifySubscription(filter, this.identity);
      if (kind === undefined) continue;
      this.dialect.sessions.unsubscribe(this, kind);
      kinds.push(kind);
    }
    this.channel.send({ cmd: 'unsuback', messageId: packet.messageId, granted: [] });
    this.onUnsubscribed(kinds);
  }

  private acknowledge(packet: IPublishPacket): void {
    if (packet.qos === 1) this.channel.send({ cmd: 'puback', messageId: packet.messageId });
  }
}

/** A client's text in a log line: quoted, and cut short, since a topic may be long. */
export function quoted(text: string): string {
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
