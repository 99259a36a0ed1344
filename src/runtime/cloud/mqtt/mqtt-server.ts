// The hub's device side: MQTT 3.1.1 over TLS in IoT Hub's dialect, so the official device SDKs
// connect to it unchanged (docs/FACTS.md §5). Each socket is served on its own (accept-connection);
// this file listens, wires the shared pieces together, and stops them all on close().
import type { CloudToDeviceQueue } from '../cloud-to-device-queue.js';
import type { IdentityRegistry } from '../identities.js';
import type { TelemetryLog } from '../telemetry-log.js';
import type { TwinStore } from '../twins.js';
import { serveSocket, type AcceptContext } from './accept-connection.js';
import { pushDesiredPatches } from './desired-push.js';
import { CloudError } from '../cloud-error.js';
import { DirectMethodBroker, MethodCallError, type MethodBroker } from '../../iothub/method-broker.js';
import { SessionRegistry } from '../../iothub/sessions.js';
import { acceptedHostNames, distinctHostNames, listenTls } from '../../iothub/tls-listener.js';
import type { DeviceConnection } from './device-connection.js';

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
  const sessions = new SessionRegistry<DeviceConnection>({
    onConnectionState: (identity, state) => options.registry.setConnectionState(identity.deviceId, identity.moduleId, state),
  });
  const broker = new DirectMethodBroker(sessions);
  let ownNames: readonly string[] = [options.hostName];
  const context: AcceptContext = {
    registry: options.registry,
    twins: options.twins,
    telemetry: options.telemetry,
    cloudToDevice: options.cloudToDevice,
    sessions,
    methods: broker,
    hostNames: () => distinctHostNames([...ownNames, ...(options.hostNames?.() ?? [])]),
    onRefusal: (clientId, reason) => {
      try {
        options.onRefusal?.(clientId, reason);
      } catch {
        // The operator's log failing is no reason to stop serving.
      }
    },
  };
  const listener = await listenTls({ host: options.host, port: options.port, tls: options.tls, onSocket: (socket) => serveSocket(socket, context) });
  ownNames = acceptedHostNames(options.hostName, options.host, listener.port);
  const stopPushing = pushDesiredPatches(options.twins, sessions);
  // A message sent while its device is connected and subscribed goes out at once.
  const stopDelivering = options.cloudToDevice.onEnqueue((deviceId) => sessions.subscriber({ deviceId }, 'cloud-to-device')?.deliverCloudToDevice());

  let closing: Promise<void> | undefined;
  const stop = async (): Promise<void> => {
    stopPushing();
    stopDelivering();
    broker.close();
    await listener.close(() => sessions.closeAll());
  };
  return { port: listener.port, methods: withCloudErrors(broker), close: () => (closing ??= stop()) };
}

/** The REST layer answers CloudErrors; the shared broker's errors carry the same names and codes. */
function withCloudErrors(broker: MethodBroker): MethodBroker {
  return {
    invoke: (deviceId, moduleId, request) =>
      broker.invoke(deviceId, moduleId, request).catch((error: unknown) => {
        throw error instanceof MethodCallError ? new CloudError(error.httpStatus, error.errorCode, error.message, error.numericCode) : error;
      }),
  };
}
