// What the downstream tests share: the hub's MQTT head on 127.0.0.1 with real certificates and a
// real hub store in a temp folder, fakes for the parts other helpers own (the identity cache, the
// twin service, the upstream link), connection strings the official SDK reads with GatewayHostName,
// and a bare MQTT client for what the SDK never sends.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { ensureCertificates } from '../../../../src/runtime/data-folder/certificates.js';
import { startHubMqttServer, type DownstreamServices, type HubMqttServer } from '../../../../src/runtime/hub/downstream/hub-mqtt-server.js';
import { newCounters, type HubCounters, type HubMessage, type TwinDocument, type UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import type { TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import type { CloudToDeviceMessage, UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { authenticateConnect } from '../../../../src/runtime/iothub/authenticate-connect.js';
import { identityKey, type ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { PacketInbox } from '../../../support/packet-inbox.js';

export const ADDRESS = '127.0.0.1';
/** The IoT hub's name as connection strings, usernames and SAS audiences carry it. */
export const IOT_HUB_NAME = 'edgewise-test.azure-devices.net';
export const EDGE_DEVICE_ID = 'edge1';

/** Waits for a condition with a generous deadline: a busy machine is slow, not wrong. */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The promise's value, or a clear failure once a generous deadline passed. */
export function within<T>(promise: Promise<T>, what: string, timeoutMs = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs)));
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** The twin service as the downstream head sees it: stored documents and the patches it was given. */
export class FakeTwins implements TwinService {
  readonly documents = new Map<string, TwinDocument>();
  readonly patches: { clientId: string; patch: Record<string, unknown> }[] = [];
  private readonly listeners = new Map<string, Set<(patch: Record<string, unknown>, version: number) => void>>();

  async get(identity: ClientIdentity): Promise<TwinDocument> {
    return this.documents.get(identityKey(identity)) ?? { desired: { $version: 1 }, reported: { $version: 1 } };
  }

  async patchReported(identity: ClientIdentity, patch: Record<string, unknown>): Promise<number> {
    this.patches.push({ clientId: identityKey(identity), patch });
    const document = await this.get(identity);
    const reported = { ...document.reported, ...patch, $version: document.reported.$version + 1 };
    this.documents.set(identityKey(identity), { desired: document.desired, reported });
    return reported.$version;
  }

  onDesired(identity: ClientIdentity, listener: (patch: Record<string, unknown>, version: number) => void): () => void {
    const key = identityKey(identity);
    const set = this.listeners.get(key) ?? new Set();
    set.add(listener);
    this.listeners.set(key, set);
    return () => set.delete(listener);
  }

  /** A desired patch from the cloud for this client. */
  pushDesired(clientId: string, patch: Record<string, unknown>, version: number): number {
    const listeners = [...(this.listeners.get(clientId) ?? [])];
    for (const listener of listeners) listener(patch, version);
    return listeners.length;
  }

  // The resync round's calls: nothing is ever pending here.
  async sendPendingReported(): Promise<number> {
    return 0;
  }

  async reconcileDesired(): Promise<number> {
    return 0;
  }

  pendingReported(): { patches: number; identities: number } {
    return { patches: 0, identities: 0 };
  }

  async close(): Promise<void> {}
}

type MethodHandler = (name: string, payload: Buffer) => Promise<{ status: number; payload: Buffer }>;

/** The upstream link as the downstream head sees it: what it was told, and the cloud's side of methods and C2D. */
export class FakeUpstream implements UpstreamLink {
  readonly state: UpstreamState = 'connected';
  /** `attach:{clientId}` / `detach:{clientId}` in order. */
  readonly events: string[] = [];
  readonly methodHandlers = new Map<string, MethodHandler>();
  readonly cloudToDevice = new Map<string, (message: CloudToDeviceMessage) => Promise<void>>();

  onStateChange(): () => void {
    return () => undefined;
  }
  cut(): void {}
  restore(): void {}
  sendTelemetry(): Promise<void> {
    return Promise.reject(new Error('not used downstream'));
  }
  twinRequest(): Promise<{ status: number; body: unknown }> {
    return Promise.reject(new Error('not used downstream'));
  }
  onDesiredPatch(): () => void {
    return () => undefined;
  }
  onMethod(identity: ClientIdentity, handler: MethodHandler): () => void {
    const key = identityKey(identity);
    this.methodHandlers.set(key, handler);
    return () => {
      if (this.methodHandlers.get(key) === handler) this.methodHandlers.delete(key);
    };
  }
  onCloudToDevice(deviceId: string, deliver: (message: CloudToDeviceMessage) => Promise<void>): () => void {
    this.cloudToDevice.set(deviceId, deliver);
    return () => {
      if (this.cloudToDevice.get(deviceId) === deliver) this.cloudToDevice.delete(deviceId);
    };
  }
  attach(identity: ClientIdentity): void {
    this.events.push(`attach:${identityKey(identity)}`);
  }
  detach(identity: ClientIdentity): void {
    this.events.push(`detach:${identityKey(identity)}`);
  }
  async close(): Promise<void> {}
}

export interface Identity {
  key: string;
  generationId: string;
}

export interface TestHub {
  server: HubMqttServer;
  store: HubStore;
  counters: HubCounters;
  twins: FakeTwins;
  upstream: FakeUpstream;
  /** Identities the fake cache knows, by client id. */
  identities: Map<string, Identity>;
  /** What ingest was given, in call order. */
  ingested: HubMessage[];
  /** How ingest answers; default: append to `ingested` and resolve. */
  ingest: (message: HubMessage) => Promise<void>;
  log: string[];
  ca: string;
  port: number;
  register(deviceId: string, moduleId?: string): string;
  /** A connection string for the official SDK: HostName the IoT hub, GatewayHostName this hub. */
  connectionString(deviceId: string, moduleId?: string, key?: string): string;
  token(deviceId: string, moduleId: string | undefined, expiresAtSeconds: number): string;
  close(): Promise<void>;
}

export interface TestHubOptions {
  /** Deliver module inputs from the store by routing every message to these targets instead of recording it. */
  routeTo?: (message: HubMessage) => { endpoint: string; priority: number; ttlSeconds: number }[];
  inputWindow?: number;
  /** HubMqttServer's closeTimeoutMs. */
  closeTimeoutMs?: number;
}

export async function startTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-downstream-'));
  const certificates = ensureCertificates(join(folder, 'certs'), { address: ADDRESS, names: ['localhost'] });
  const store = openHubStore(join(folder, 'store'));
  const identities = new Map<string, Identity>();
  const counters = newCounters();
  const twins = new FakeTwins();
  const upstream = new FakeUpstream();
  const log: string[] = [];
  const ingested: HubMessage[] = [];
  const hub = {} as TestHub;
  hub.ingest = async (message) => {
    ingested.push(message);
    const targets = options.routeTo?.(message) ?? [];
    if (targets.length > 0) await store.messages.append(message, targets);
  };
  const services: DownstreamServices = {
    // The shared CONNECT check, with this test's identities standing in for the identity cache.
    authenticate: (packet, now, hostNames) => {
      const verdict = authenticateConnect(packet, {
        hostNames,
        nowSeconds: now,
        credentialsOf: (identity) => {
          const known = identities.get(identityKey(identity));
          return known === undefined ? { refused: `${identityKey(identity)} is not in this edge device's scope` } : { keys: [known.key], generationId: known.generationId };
        },
      });
      return verdict.ok ? { ok: true, client: { identity: verdict.identity, generationId: verdict.generationId, expiresAtSeconds: verdict.expiresAtSeconds } } : verdict;
    },
    ingest: (message) => hub.ingest(message),
    store: store.messages,
    counters,
    twins,
    upstream,
    log: (line) => log.push(line),
  };
  const server = await startHubMqttServer({
    host: ADDRESS,
    port: 0,
    tls: { key: certificates.key, cert: certificates.cert },
    hostNames: () => [IOT_HUB_NAME],
    services,
    edgeDeviceId: EDGE_DEVICE_ID,
    ...(options.inputWindow === undefined ? {} : { inputWindow: options.inputWindow }),
    ...(options.closeTimeoutMs === undefined ? {} : { closeTimeoutMs: options.closeTimeoutMs }),
  });
  const keyOf = (deviceId: string, moduleId?: string): string => identities.get(identityKey(moduleId === undefined ? { deviceId } : { deviceId, moduleId }))!.key;
  return Object.assign(hub, {
    server,
    store,
    counters,
    twins,
    upstream,
    identities,
    ingested,
    log,
    ca: certificates.ca,
    port: server.port,
    register: (deviceId: string, moduleId?: string) => {
      const key = randomBytes(32).toString('base64');
      identities.set(identityKey(moduleId === undefined ? { deviceId } : { deviceId, moduleId }), { key, generationId: `gen-${deviceId}-${moduleId ?? ''}` });
      return key;
    },
    connectionString: (deviceId: string, moduleId?: string, key?: string) =>
      `HostName=${IOT_HUB_NAME};DeviceId=${deviceId};${moduleId === undefined ? '' : `ModuleId=${moduleId};`}SharedAccessKey=${key ?? keyOf(deviceId, moduleId)};GatewayHostName=${ADDRESS}:${server.port}`,
    token: (deviceId: string, moduleId: string | undefined, expiresAtSeconds: number) =>
      signSasToken(`${IOT_HUB_NAME}/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`, keyOf(deviceId, moduleId), expiresAtSeconds),
    close: async () => {
      await server.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  });
}

/** A bare MQTT 3.1.1 client: sends what it is told and records what comes back. */
export class RawClient {
  private readonly inbox: PacketInbox;
  readonly received: Packet[];
  readonly closed: Promise<void>;

  private constructor(private readonly socket: TLSSocket) {
    this.inbox = new PacketInbox(socket);
    this.received = this.inbox.received;
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
  }

  static async connect(hub: TestHub): Promise<RawClient> {
    const socket = connect({ host: ADDRESS, port: hub.port, ca: hub.ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
    });
    return new RawClient(socket);
  }

  /** Connects and logs in as this identity with a valid token; resolves with the CONNACK. */
  static async login(hub: TestHub, deviceId: string, moduleId?: string, options: { clean?: boolean } = {}): Promise<{ client: RawClient; returnCode: number; sessionPresent: boolean }> {
    const client = await RawClient.connect(hub);
    const clientId = moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`;
    client.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clientId,
      clean: options.clean ?? false,
      keepalive: 60,
      username: `${IOT_HUB_NAME}/${clientId}/?api-version=2021-04-12`,
      password: Buffer.from(hub.token(deviceId, moduleId, nowSeconds() + 3600)),
    });
    const connack = await client.next('connack');
    return connack?.cmd === 'connack' ? { client, returnCode: connack.returnCode ?? -1, sessionPresent: connack.sessionPresent } : { client, returnCode: -1, sessionPresent: false };
  }

  get isClosed(): boolean {
    return this.socket.destroyed || this.socket.readableEnded;
  }

  send(packet: Packet): void {
    this.socket.write(mqttPacket.generate(packet));
  }

  /** The next packet of this kind not yet taken, or undefined once the socket closed. */
  next(cmd: Packet['cmd']): Promise<Packet | undefined> {
    return this.inbox.next(cmd, () => this.isClosed);
  }

  end(): void {
    this.socket.destroy();
  }
}
