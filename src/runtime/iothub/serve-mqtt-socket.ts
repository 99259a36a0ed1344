// A new TLS socket's first packet must be CONNECT (MQTT 3.1.1 §3.1); what the server does with it
// is the caller's: accept it and hand back the connection that handles every later packet, or
// refuse it with a CONNACK return code (docs/FACTS.md §5).
import type { TLSSocket } from 'node:tls';
import type { IConnectPacket, Packet } from 'mqtt-packet';
import { PacketChannel } from './packet-channel.js';

/** An accepted connection: it takes every packet after CONNECT. */
export interface MqttConnection {
  readonly clientId: string;
  handle(packet: Packet): void;
}

export interface ServeOptions {
  /** The CONNECT: an accepted connection (its CONNACK already sent), or undefined once refused. */
  accept(channel: PacketChannel, packet: IConnectPacket): MqttConnection | undefined;
  /** Told why the server closes a connection (client id, or the peer's address before CONNECT). */
  onRefusal(clientId: string, reason: string): void;
}

export function serveMqttSocket(socket: TLSSocket, options: ServeOptions): void {
  let connection: MqttConnection | undefined;
  // Until CONNECT names the client, the log line names its address.
  const peer = `${socket.remoteAddress}:${socket.remotePort}`;
  const report = (reason: string): void => options.onRefusal(connection?.clientId ?? peer, reason);
  const channel: PacketChannel = new PacketChannel(
    socket,
    (packet) => {
      if (connection !== undefined) connection.handle(packet);
      else if (packet.cmd === 'connect') connection = options.accept(channel, packet);
      else {
        report(`it sent ${packet.cmd.toUpperCase()} before CONNECT`);
        channel.close();
      }
    },
    report,
  );
}

/** Answers a refused CONNECT with its return code and closes the socket. */
export function refuseConnect(channel: PacketChannel, returnCode: number): void {
  channel.send({ cmd: 'connack', returnCode, sessionPresent: false });
  channel.close();
}
