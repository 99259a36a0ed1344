// The hub's device side: MQTT 3.1.1 over TLS in IoT Hub's dialect, so the official device SDKs
// connect to it unchanged (docs/FACTS.md §5). Each socket is served on its own (accept-connection);
// this file listens, wires the shared pieces together, and stops them all on close().
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server } from 'node:tls';
import type { CloudToDeviceQueue } from '../cloud-to-device-queue.js';
import type { IdentityRegistry } from '../identities.js';
import type { TelemetryLog } from '../telemetry-log.js';
import type { TwinStore } from '../twins.js';
import { serveSocket, type AcceptContext } from './accept-connection.js';
import { pushDesiredPatches } from './desired-push.js';
import { DirectMethodBroker, type MethodBroker } from './method-broker.js';
import { SessionRegistry } from './sessions.js';

export interface MqttServerOptions {
  host: string;
  /** 0: the OS chooses. */
  port: number;
  tls: { key: string; cert: string };
  /**
   * The hub's name as clients write it in their username and SAS audience (may carry `:port`).
   * `{host}:{port}` of this listener is accepted too: it is what a connection string's HostName
   * holds when it must also say where to connect, and with port 0 it is known only after listening.
   */
  hostName: string;
  /** More host names, asked at each CONNECT (a caller that knows its other ports and aliases). */
  hostNames?: () => readonly string[];
  registry: IdentityRegistry;
  twins: TwinStore;
  telemetry: TelemetryLog;
  cloudToDevice: CloudToDeviceQueue;
  /** Told why a CONNECT was refused or a connection closed by the hub (client id, one line), for the operator's log. */
  onRefusal?: (clientId: string, reason: string) => void;
}

export interface MqttServer {
  port: number;
  methods: MethodBroker;
  close(): Promise<void>;
}

export async function startMqttServer(options: MqttServerOptions): Promise<MqttServer> {
  const sessions = new SessionRegistry(options.registry);
  const methods = new DirectMethodBroker(sessions);
  let ownNames: readonly string[] = [options.hostName];
  const context: AcceptContext = {
    registry: options.registry,
    twins: options.twins,
    telemetry: options.telemetry,
    cloudToDevice: options.cloudToDevice,
    sessions,
    methods,
    hostNames: () => distinct([...ownNames, ...(options.hostNames?.() ?? [])]),
    onRefusal: (clientId, reason) => {
      try {
        options.onRefusal?.(clientId, reason);
      } catch {
        // The operator's log failing is no reason to stop serving.
      }
    },
  };
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, (socket) => serveSocket(socket, context));
  const sockets = trackSockets(server);
  // A failed handshake concerns that client only.
  server.on('tlsClientError', () => undefined);
  await listen(server, options.port, options.host);
  const port = (server.address() as AddressInfo).port;
  ownNames = acceptedHostNames(options.hostName, options.host, port);
  const stopPushing = pushDesiredPatches(options.twins, sessions);
  // A message sent while its device is connected and subscribed goes out at once.
  const stopDelivering = options.cloudToDevice.onEnqueue((deviceId) => sessions.subscriber({ deviceId }, 'cloud-to-device')?.deliverCloudToDevice?.());

  let closing: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopPushing();
    stopDelivering();
    methods.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    await sessions.closeAll();
    // Sockets still in their TLS handshake, or not yet past CONNECT, belong to no session.
    for (const socket of sockets) socket.destroy();
    await closed;
  };
  return { port, methods, close: () => (closing ??= stop()) };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}

function acceptedHostNames(hostName: string, host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  return wildcard ? [hostName] : [hostName, host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`];
}

/** Host names compare case-insensitively, so one spelling of each is enough. */
function distinct(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}
