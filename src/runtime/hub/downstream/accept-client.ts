// The hub's answer to a CONNECT: checked against the identity cache (offline too); an accepted
// client becomes its identity's live connection (a new one drops the old, a clean=false session
// keeps its subscriptions), is attached to the upstream link, and gets what the cloud sends it
// while connected: desired patches, cloud-invoked methods, and, for a device, cloud-to-device
// messages (docs/FACTS.md §4–§5).
import type { IConnectPacket } from 'mqtt-packet';
import { CONNACK } from '../../iothub/authenticate-connect.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import { formatTelemetryBag } from '../../iothub/property-bag.js';
import { refuseConnect } from '../../iothub/serve-mqtt-socket.js';
import { cloudToDeviceTopic, desiredPatchTopic } from '../../iothub/topics.js';
import type { MethodInvoker } from '../gateway-https/method-invoker.js';
import type { CloudToDeviceMessage } from '../upstream/upstream-link.js';
import { cloudMethodHandler } from './direct-methods.js';
import { HubConnection, type ConnectionContext } from './hub-connection.js';

export interface AcceptContext extends ConnectionContext {
  /** Host names clients may use, known once the server listens. */
  hostNames(): readonly string[];
  methods: MethodInvoker;
  /** Told why a CONNECT was refused, for the operator's log. */
  onConnectRefused(clientId: string, reason: string): void;
}

export function acceptClient(channel: PacketChannel, packet: IConnectPacket, context: AcceptContext): HubConnection | undefined {
  const nowMs = Date.now();
  const verdict = context.services.authenticate(packet, Math.floor(nowMs / 1000), context.hostNames());
  if (!verdict.ok) {
    context.onConnectRefused(packet.clientId.slice(0, 200), verdict.reason);
    refuseConnect(channel, verdict.returnCode);
    return undefined;
  }
  const connection = new HubConnection(channel, verdict.client, nowMs, context);
  const { identity } = connection;
  channel.setKeepalive(packet.keepalive ?? 0);
  // The SDK connects with clean=false; a missing flag is read the same way.
  const { sessionPresent } = context.sessions.attach(connection, { clean: packet.clean === true, generationId: verdict.client.generationId });
  channel.send({ cmd: 'connack', returnCode: CONNACK.accepted, sessionPresent });

  const { upstream, twins } = context.services;
  const stops = [
    twins.onDesired(identity, (patch, version) => {
      if (context.sessions.subscriber(identity, 'desired') === connection) connection.publish(desiredPatchTopic(version), JSON.stringify(patch));
    }),
    upstream.onMethod(identity, cloudMethodHandler(context.methods, identity)),
    ...(identity.moduleId === undefined ? [upstream.onCloudToDevice(identity.deviceId, (message) => deliverCloudToDevice(connection, context, message))] : []),
  ];
  upstream.attach(identity);
  connection.onClose(() => {
    context.sessions.detach(connection);
    for (const stop of stops) stop();
    upstream.detach(identity);
  });
  // A kept session is still subscribed to its inputs: what waits in the store goes now.
  connection.startInputsIfSubscribed();
  return connection;
}

/** A cloud-to-device message for a connected child: QoS 1 on its devicebound topic; resolves on its PUBACK. */
function deliverCloudToDevice(connection: HubConnection, context: AcceptContext, message: CloudToDeviceMessage): Promise<void> {
  if (context.sessions.subscriber(connection.identity, 'cloud-to-device') !== connection) {
    return Promise.reject(new Error(`${connection.clientId} is not subscribed to cloud-to-device messages`));
  }
  const bag = formatTelemetryBag(message.properties, message.systemProperties);
  return connection.publishAcknowledged(cloudToDeviceTopic(connection.identity.deviceId, bag), message.body);
}
