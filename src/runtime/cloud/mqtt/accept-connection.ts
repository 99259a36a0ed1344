// The emulator's answer to a CONNECT: checked against its registry; an accepted one becomes the
// identity's live connection, a refused one gets its CONNACK return code and is closed
// (docs/FACTS.md §5).
import type { TLSSocket } from 'node:tls';
import type { IConnectPacket } from 'mqtt-packet';
import type { IdentityRegistry } from '../identities.js';
import { authenticateConnect, CONNACK } from '../../iothub/authenticate-connect.js';
import { DeviceConnection, type DeviceServices } from './device-connection.js';
import type { PacketChannel } from '../../iothub/packet-channel.js';
import { refuseConnect, serveMqttSocket } from '../../iothub/serve-mqtt-socket.js';
import { registryCredentials } from './registry-credentials.js';

export interface AcceptContext extends DeviceServices {
  registry: IdentityRegistry;
  /** Host names clients may use, known once the server listens. */
  hostNames(): readonly string[];
}

export function serveSocket(socket: TLSSocket, context: AcceptContext): void {
  serveMqttSocket(socket, {
    accept: (channel, packet) => accept(channel, packet, context),
    onRefusal: (clientId, reason) => context.onRefusal?.(clientId, reason),
  });
}

function accept(channel: PacketChannel, packet: IConnectPacket, context: AcceptContext): DeviceConnection | undefined {
  const nowMs = Date.now();
  const verdict = authenticateConnect(packet, {
    hostNames: context.hostNames(),
    credentialsOf: (identity) => registryCredentials(context.registry, identity),
    nowSeconds: Math.floor(nowMs / 1000),
  });
  if (!verdict.ok) {
    context.onRefusal?.(packet.clientId.slice(0, 200), verdict.reason);
    refuseConnect(channel, verdict.returnCode);
    return undefined;
  }
  const connection = new DeviceConnection(channel, verdict.identity, verdict.generationId, verdict.expiresAtSeconds * 1000 - nowMs, context);
  channel.setKeepalive(packet.keepalive ?? 0);
  // The SDK connects with clean=false; a missing flag is read the same way.
  const { sessionPresent } = context.sessions.attach(connection, { clean: packet.clean === true, generationId: verdict.generationId });
  channel.onClose(() => context.sessions.detach(connection));
  channel.send({ cmd: 'connack', returnCode: CONNACK.accepted, sessionPresent });
  // A kept session is still subscribed: what was queued, or sent and never acknowledged, goes now.
  context.cloudToDevice.purge(verdict.identity.deviceId, verdict.generationId).catch(() => undefined);
  connection.deliverCloudToDevice();
  return connection;
}
