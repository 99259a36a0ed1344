// One authenticated module or child-device connection to the hub: the dialect's packet handling
// (iothub/dialect-connection.ts, shared with the emulator) with the hub's services behind it.
// Telemetry and outputs are acknowledged only once routed and committed (docs/FACTS.md §3);
// twins are the hub's twin service; a module of this edge device gets its inputs from the store;
// QoS 1 deliveries to the client settle on its PUBACK.
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { DialectConnection, type TwinAnswer } from '../../iothub/dialect-connection.js';
import type { DirectMethodBroker } from '../../iothub/method-broker.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import { formatTelemetryBag, type PropertyBag } from '../../iothub/property-bag.js';
import type { SessionRegistry } from '../../iothub/sessions.js';
import { moduleInputTopic, type SubscriptionKind } from '../../iothub/topics.js';
import type { AuthenticatedClient } from '../hub-types.js';
import { AcknowledgedPublishes } from './acknowledged-publishes.js';
import type { DownstreamServices } from './downstream-services.js';
import { hubMessageOf } from './hub-message.js';
import type { InputSender, ModuleInputs } from './module-inputs.js';
import { answerReportedPatch, answerTwinGet } from './twin-replies.js';

export interface ConnectionContext {
  services: DownstreamServices;
  sessions: SessionRegistry<HubConnection>;
  broker: DirectMethodBroker;
  inputs: ModuleInputs;
  /** Told of each message until it is acknowledged or refused, so closing the server can let it finish. */
  track(work: Promise<unknown>): void;
  /** Told why the hub closes a connection, for the operator's log. */
  onRefusal(clientId: string, reason: string): void;
  /** The server is stopping: new messages are not taken (the client sends them again later). */
  isClosing(): boolean;
}

export class HubConnection extends DialectConnection {
  private readonly deliveries: AcknowledgedPublishes;
  /** How this connection receives module inputs (a module of this edge device only). */
  private readonly sendInput: InputSender;

  constructor(
    channel: PacketChannel,
    readonly client: AuthenticatedClient,
    nowMs: number,
    private readonly context: ConnectionContext,
  ) {
    super(channel, client.identity, client.expiresAtSeconds * 1000 - nowMs, { sessions: context.sessions, methods: context.broker, onRefusal: context.onRefusal });
    this.deliveries = new AcknowledgedPublishes(channel);
    this.sendInput = (inputName, entry) => {
      const { message } = entry;
      // The sender rides along as edgeHub stamps it on a module input ($.cdid / $.cmid).
      const bag = formatTelemetryBag(message.properties, message.systemProperties, undefined, { stamps: message.source });
      return this.deliveries.send(moduleInputTopic(moduleOf(this.identity), inputName, bag), message.body);
    };
    channel.onClose(() => context.inputs.detach(this.identity, this.sendInput));
  }

  /** QoS 1; resolves on the client's PUBACK, rejects when the connection closes first. */
  publishAcknowledged(topic: string, payload: Buffer): Promise<void> {
    return this.deliveries.send(topic, payload);
  }

  onClose(listener: () => void): void {
    this.channel.onClose(listener);
  }

  /** Starts module-input delivery when this connection's session is subscribed to its inputs. */
  startInputsIfSubscribed(): void {
    if (this.context.sessions.subscriber(this.identity, 'inputs') === this) this.context.inputs.attach(this.identity, this.sendInput);
  }

  protected keepTelemetry(bag: PropertyBag, body: Buffer, retain: boolean): Promise<void> {
    if (this.context.isClosing()) return Promise.reject(new Error('the hub is stopping'));
    return this.context.services.ingest(hubMessageOf(this.identity, bag, body, { retain, nowMs: Date.now() }));
  }

  protected override trackTelemetry(work: Promise<void>): void {
    this.context.track(work);
  }

  protected answerTwinGet(): Promise<TwinAnswer> {
    return answerTwinGet(this.context.services.twins, this.identity);
  }

  protected answerReportedPatch(payload: Buffer): Promise<TwinAnswer> {
    return answerReportedPatch(this.context.services.twins, this.identity, payload);
  }

  protected onAcknowledged(packetId: number | undefined): void {
    this.deliveries.acknowledge(packetId);
  }

  protected override onSubscribed(kinds: readonly SubscriptionKind[]): void {
    if (kinds.includes('inputs')) this.startInputsIfSubscribed();
  }

  protected override onUnsubscribed(kinds: readonly SubscriptionKind[]): void {
    if (kinds.includes('inputs')) this.context.inputs.detach(this.identity, this.sendInput);
  }
}

function moduleOf(identity: ClientIdentity): { deviceId: string; moduleId: string } {
  // Only a module's connection is ever attached to its inputs (ModuleInputs.receives).
  return { deviceId: identity.deviceId, moduleId: identity.moduleId ?? '' };
}
