// The hub's downstream head: MQTT 3.1.1 over TLS in IoT Hub's dialect, for modules and child
// devices written with the official device SDKs (docs/FACTS.md §5). The dialect's pieces (CONNECT
// checks, sessions, the method broker, the socket and listener plumbing) are the ones the cloud
// emulator uses; this file wires them to the hub's services and stops them all on close().
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { DirectMethodBroker } from '../../iothub/method-broker.js';
import { serveMqttSocket } from '../../iothub/serve-mqtt-socket.js';
import { SessionRegistry } from '../../iothub/sessions.js';
import { acceptedHostNames, distinctHostNames, listenTls } from '../../iothub/tls-listener.js';
import type { MethodInvoker } from '../gateway-https/method-invoker.js';
import { acceptClient, type AcceptContext } from './accept-client.js';
import { methodInvoker } from './direct-methods.js';
import type { DownstreamServices } from './downstream-services.js';
import type { HubConnection } from './hub-connection.js';
import { ModuleInputs } from './module-inputs.js';

export type { DownstreamServices, AuthenticationVerdict } from './downstream-services.js';

export interface HubMqttServerOptions {
  host: string;
  /** 0: the OS chooses. */
  port: number;
  tls: { key: string; cert: string };
  /** Host names clients may write in their username and SAS audience; this listener's `{host}:{port}` is added. */
  hostNames: () => readonly string[];
  services: DownstreamServices;
  /** The edge device whose modules' input queues are delivered (a module of another device gets none). */
  edgeDeviceId: string;
  /** Module-input messages in flight to one module (default module-inputs.ts DEFAULT_INPUT_WINDOW). */
  inputWindow?: number;
  /** How long close() lets messages being stored finish before it closes their connections anyway; default 10 s. */
  closeTimeoutMs?: number;
}

const DEFAULT_CLOSE_TIMEOUT_MS = 10_000;

export interface HubMqttServer {
  port: number;
  /** Direct methods to connected clients (for the gateway's HTTPS head). */
  methods: MethodInvoker;
  clients(): { clientId: string; connectedAtMs: number }[];
  /** Closes these identities' connections and forgets their sessions (they left the scope). */
  disconnect(identities: readonly ClientIdentity[]): void;
  /** Stops accepting, lets ingests in flight commit and be acknowledged (for a while), then closes every connection. */
  close(): Promise<void>;
}

export async function startHubMqttServer(options: HubMqttServerOptions): Promise<HubMqttServer> {
  const { services } = options;
  const sessions = new SessionRegistry<HubConnection>();
  const broker = new DirectMethodBroker(sessions);
  const methods = methodInvoker(broker);
  const inputs = new ModuleInputs({ store: services.store, counters: services.counters, log: (line) => log(services, line), edgeDeviceId: options.edgeDeviceId, window: options.inputWindow });
  const ingests = new Set<Promise<unknown>>();
  let ownNames: readonly string[] = [];
  let closing: Promise<void> | undefined;
  const context: AcceptContext = {
    services,
    sessions,
    broker,
    inputs,
    methods,
    hostNames: () => distinctHostNames([...options.hostNames(), ...ownNames]),
    isClosing: () => closing !== undefined,
    track: (work) => {
      ingests.add(work);
      void work.finally(() => ingests.delete(work));
    },
    onRefusal: (clientId, reason) => log(services, `closed the connection of ${clientId}: ${reason}`),
    onConnectRefused: (clientId, reason) => log(services, `refused ${clientId}: ${reason}`),
  };
  const listener = await listenTls({
    host: options.host,
    port: options.port,
    tls: options.tls,
    onSocket: (socket) => serveMqttSocket(socket, { accept: (channel, packet) => acceptClient(channel, packet, context), onRefusal: context.onRefusal }),
  });
  // With port 0 the listener's own `{host}:{port}` is known only now.
  ownNames = acceptedHostNames(options.host, options.host, listener.port);
  const stopWaking = services.store.onAppend((endpoints) => inputs.wake(endpoints));

  const stop = async (): Promise<void> => {
    stopWaking();
    broker.close();
    await listener.close(async () => {
      // A message committed gets its PUBACK before its connection closes; one whose commit does not
      // come in time stays unacknowledged, so its client sends it again (at least once).
      const unfinished = await settleWithin(ingests, options.closeTimeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
      if (unfinished > 0) log(services, `closing with ${unfinished} messages still being stored; they were not acknowledged, so their clients send them again`);
      await sessions.closeAll();
      await inputs.close();
    });
  };
  return {
    port: listener.port,
    methods,
    clients: () => sessions.connections().map(({ connection, connectedAtMs }) => ({ clientId: identityKey(connection.identity), connectedAtMs })),
    disconnect: (identities) => {
      for (const identity of identities) sessions.forget(identity);
    },
    close: () => (closing ??= stop()),
  };
}

/** Waits until the set is empty or the time is up; says how many were left. */
async function settleWithin(work: Set<Promise<unknown>>, timeoutMs: number): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  const deadline = new Promise<void>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve();
    }, timeoutMs);
  });
  while (work.size > 0 && !timedOut) await Promise.race([Promise.allSettled(work), deadline]);
  clearTimeout(timer);
  return work.size;
}

/** The operator's log failing is no reason to stop serving. */
function log(services: DownstreamServices, line: string): void {
  try {
    services.log(line);
  } catch {
    // Nothing more to do with a line that cannot be written.
  }
}
