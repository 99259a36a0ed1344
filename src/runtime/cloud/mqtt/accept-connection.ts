// A new TLS socket's first packet must be CONNECT; an accepted one becomes the identity's live
// connection and a refused one gets its CONNACK return code and is closed (docs/FACTS.md §5).
import type { TLSSocket } from 'node:tls';
import type { IConnectPacket } from 'mqtt-packet';
import type { IdentityRegistry } from '../identities.js';
import { authenticateConnect, CONNACK } from './authenticate.js';
import { DeviceConnection, type DeviceServices } from './device-connection.js';
import { PacketChannel } from '../../iothub/packet-channel.js';

export interface AcceptContext extends DeviceServices {
  registry: IdentityRegistry;
  /** Host names clients may use, known once the server listens. */
  hostNames(): readonly string[];
}

export function serveSocket(socket: TLSSocket, context: AcceptContext): void {
  let connection: DeviceConnection | undefined;
  // Until CONNECT names the client, the log line names its address.
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  const report = (reason: string): void => context.onRefusal?.(connection?.clientId ?? peer, reason);
  const channel: PacketChannel = new PacketChannel(
    socket,
    (packet) => {
      if (connection !== undefined) connection.handle(packet);
      else if (packet.cmd === 'connect') connection = accept(channel, packet, context);
      else {
        report(`it sent ${packet.cmd.toUpperCase()} before CONNECT`);
        channel.close();
      }
    },
    report,
  );
}

function accept(channel: PacketChannel, packet: IConnectPacket, context: AcceptContext): DeviceConnection | undefined {
  const nowMs = Date.now();
  const verdict = authenticateConnect(packet, { hostNames: context.hostNames(), registry: context.registry, nowSeconds: Math.floor(nowMs / 1000) });
  if (!verdict.ok) {
    context.onRefusal?.(packet.clientId.slice(0, 200), verdict.reason);
    channel.send({ cmd: 'connack', returnCode: verdict.returnCode, sessionPresent: false });
    channel.close();
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
