// One authenticated device or module connection to the emulator: the dialect's packet handling
// (iothub/dialect-connection.ts) with the emulator's stores behind it. Telemetry is acknowledged
// only once the telemetry log has committed it; twins are the emulator's twin store; a device's
// cloud-to-device queue is delivered while it is subscribed (docs/FACTS.md §5).
import type { CloudToDeviceQueue } from '../cloud-to-device-queue.js';
import type { TelemetryLog } from '../telemetry-log.js';
import type { TwinStore } from '../twins.js';
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { DialectConnection, type TwinAnswer } from '../../iothub/dialect-connection.js';
import type { DirectMethodBroker } from '../../iothub/method-broker.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import type { PropertyBag } from '../../iothub/property-bag.js';
import type { SessionRegistry } from '../../iothub/sessions.js';
import type { SubscriptionKind } from '../../iothub/topics.js';
import { CloudToDeviceDelivery } from './cloud-to-device-delivery.js';
import { telemetryMessage } from './telemetry.js';
import { answerReportedPatch, answerTwinGet } from './twin-requests.js';

export interface DeviceServices {
  twins: TwinStore;
  telemetry: TelemetryLog;
  sessions: SessionRegistry<DeviceConnection>;
  methods: DirectMethodBroker;
  cloudToDevice: CloudToDeviceQueue;
  /** Told why the hub closes a connection, for the operator's log. */
  onRefusal?: (clientId: string, reason: string) => void;
}

export class DeviceConnection extends DialectConnection {
  private readonly delivery: CloudToDeviceDelivery;

  constructor(
    channel: PacketChannel,
    identity: ClientIdentity,
    private readonly generationId: string,
    tokenExpiresInMs: number,
    private readonly services: DeviceServices,
  ) {
    super(channel, identity, tokenExpiresInMs, services);
    this.delivery = new CloudToDeviceDelivery(channel, identity, generationId, services.cloudToDevice);
  }

  /** Sends the device's queued cloud-to-device messages, when its session subscribed to them. */
  deliverCloudToDevice(): void {
    if (this.services.sessions.subscriber(this.identity, 'cloud-to-device') === this) this.delivery.deliverPending();
  }

  protected keepTelemetry(bag: PropertyBag, body: Buffer, retain: boolean): Promise<void> {
    // append is called in arrival order, so the log keeps that order; PUBACK waits for the commit.
    return this.services.telemetry.append(telemetryMessage({ identity: this.identity, generationId: this.generationId }, bag, body, retain)).then(() => undefined);
  }

  protected answerTwinGet(): TwinAnswer {
    return answerTwinGet(this.services.twins, this.identity);
  }

  protected answerReportedPatch(payload: Buffer): Promise<TwinAnswer> {
    return answerReportedPatch(this.services.twins, this.identity, payload);
  }

  /** Acknowledges a cloud-to-device message, which then leaves the queue. */
  protected onAcknowledged(packetId: number | undefined): void {
    this.delivery.acknowledge(packetId).catch((error: unknown) => this.refuse(`its acknowledgement could not be stored (${(error as Error).message})`));
  }

  protected override onSubscribed(kinds: readonly SubscriptionKind[]): void {
    if (kinds.includes('cloud-to-device')) this.deliverCloudToDevice();
  }
}
