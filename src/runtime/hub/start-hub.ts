// `edgewise run` as a library call: the edge hub on one data folder. It wires the parts (the
// store, the router, the identity cache, the cloud side (cloud-side.ts: the upstream link, its
// pump, the twin service, the scope refresher and the resync round), the $edgeHub deployment
// watch, the downstream MQTT head, the gateway HTTPS head, the expiry cleanup, the admin
// channel), then writes DIR/hub.json. The listeners are bound
// before anything talks to the cloud, so a start that fails there leaves no cloud work behind.
// close() stops taking work first (removes hub.json, so a tool that finds none knows no hub runs;
// closes the admin channel and both listeners), then lets what is in flight finish and closes
// the store. The RunningHub also serves the in-process agent: identities, twins, edge CA.
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { NormalizedManifest } from '../../manifest/normalize-manifest.js';
import { readDataFile } from '../data-folder/data-folder-file.js';
import { lockDataFolder, type DataFolderLock } from '../data-folder/data-folder-lock.js';
import { CONNACK, refuse } from '../iothub/authenticate-connect.js';
import type { ClientIdentity } from '../iothub/client-identity.js';
import { openHubStore, type HubStore } from '../store/hub-store.js';
import { startAdminChannel, type AdminRequest } from './admin-channel.js';
import { startCloudSide, type CloudSide } from './cloud-side.js';
import { hubSettingsFromManifest, storeFolder, type HubSettings } from './config/hub-settings.js';
import { deploymentUpdates } from './deployment-updates.js';
import { startHubMqttServer, type DownstreamServices, type HubMqttServer } from './downstream/hub-mqtt-server.js';
import { ensureEdgeCertificates } from './edge-certificates.js';
import { edgeConnection, type EdgeConnection } from './edge-connection.js';
import { ExpiryCleanup } from './expiry-cleanup.js';
import { gatewayCallerVerifier } from './gateway-caller.js';
import { startGatewayHttpsServer } from './gateway-https/gateway-https-server.js';
import { removeHubInfo, writeHubInfo, type HubInfo } from './hub-info.js';
import { hubStatus, type HubStatus } from './hub-status.js';
import { newCounters, type UpstreamState } from './hub-types.js';
import { authenticateFromCache, type CacheVerdict, type ConnectRequest } from './identity/authenticate-client.js';
import { IdentityCache } from './identity/identity-cache.js';
import { ensureIdentityCacheKey } from './identity/identity-cache-key.js';
import { createIngest } from './ingest.js';
import { listening } from './listening.js';
import type { ResyncView } from './resync.js';
import { Router } from './routing/router.js';
import { SimulatedOutage } from './simulated-outage.js';
import { watchEdgeHubTwin } from './upstream/edge-twin-watch.js';
import type { TwinService } from './upstream/twin-service.js';

export type { HubInfo } from './hub-info.js';
export type { HubStatus } from './hub-status.js';
export type { ResyncStepView, ResyncView } from './resync.js';

export interface HubOptions {
  dataFolder: string;
  /** The deployment whose $edgeHub routes and store-and-forward settings the hub starts with (linted by the caller). */
  manifest: NormalizedManifest;
  /** The edge device's connection string: HostName=…;DeviceId=…;SharedAccessKey=… */
  connectionString: string;
  /** PEM of the CA the upstream trusts (the emulator's); undefined: the system CAs, as for a real IoT Hub. */
  cloudCa?: string;
  /** The cloud's HTTPS port, for the device-scope listing (default 443). */
  cloudHttpsPort?: number;
  /** The address both listeners use (default 127.0.0.1). */
  address?: string;
  /** 0: the OS chooses (default 8883). */
  mqttPort?: number;
  /** 0: the OS chooses (default 443, where ModuleClient.invokeMethod calls its gateway). */
  httpsPort?: number;
  /** The name clients write in GatewayHostName (default: the address, or the machine's name when the address is a wildcard). */
  gatewayHostName?: string;
  /** Flush every commit to disk before acknowledging (power-loss durability). */
  sync?: boolean;
  /** Refuse new messages once the stored ones reach this many bytes (default: no limit but the disk's). */
  maxStoredBytes?: number;
  /** Where the hub's log lines go (default: nowhere). */
  log?: (line: string) => void;
  /** How often expired messages are deleted (default expiry-cleanup.ts DEFAULT_CLEANUP_INTERVAL_MS). */
  cleanupIntervalMs?: number;
  /** Upstream reconnect delays (default 1 s to 60 s); tests shorten them. */
  upstreamBackoff?: { minMs: number; maxMs: number };
}

/** The identity cache, as the in-process agent reads it: keys to sign with, generations, a re-read of the scope. */
export interface HubIdentities {
  /** The primary key of an identity in this edge device's scope (for the edge device, its connection string's key). */
  keyOf(identity: ClientIdentity): string | undefined;
  /** The cloud's generationId of a cached identity: a new one means it was deleted and created again. */
  generationOf(identity: ClientIdentity): string | undefined;
  /** Re-reads the device scope from the cloud now (or joins the read under way); false when it could not be read (the cache is kept). */
  refresh(): Promise<boolean>;
}

/** Where the cloud is and who the hub is there: what the agent needs to call the cloud's REST API. */
export interface HubConnection {
  /** As written in the connection string, possibly with the MQTT port: SAS audiences use it so. */
  hostName: string;
  deviceId: string;
  /** The edge device's key, from its connection string. */
  key: string;
  cloudHttpsPort: number;
  /** PEM the upstream trusts; undefined: the system CAs. */
  cloudCa?: string;
}

export interface RunningHub {
  info: HubInfo;
  status(): HubStatus;
  /** The resync round after the last reconnect, as status() shows it, without reading the store. */
  resync(): ResyncView;
  /** Simulates an outage and its end, as `edgewise hub upstream cut|restore` does; a cut outlasts a restart. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  readonly upstreamState: UpstreamState;
  identities: HubIdentities;
  /** The hub's twin service: the agent reads and patches its {edge}/$edgeAgent twin through it, online or offline. */
  twins: TwinService;
  /** The edge CA (PEM) that signs the hub's server certificate; downstream clients trust it. */
  edgeCa(): string;
  connection: HubConnection;
  close(): Promise<void>;
}

export const HUB_DEFAULTS = { address: '127.0.0.1', mqttPort: 8883, httpsPort: 443, cloudHttpsPort: 443 } as const;

/** Stops one started thing. */
type Closer = () => Promise<void> | void;

/**
 * What close() stops, in two stacks each run last-started first: `intake` (hub.json, the admin
 * channel, the listeners) before `parts` (cleanup, twin watch, resync, pump, refresher, twins,
 * link, store, lock), so the hub stops taking work before it stops doing it.
 */
interface Stops {
  intake: Closer[];
  parts: Closer[];
}

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const dataFolder = resolve(options.dataFolder);
  const address = options.address ?? HUB_DEFAULTS.address;
  if (!isIP(address)) throw new InputError(`--address ${address} is not an IP address; give the loopback or interface address to listen on, e.g. 127.0.0.1`, 'invalid-option');
  const edge = edgeConnection(options.connectionString);
  // Refused before anything is made on disk: a manifest the hub cannot serve (AMQP upstream, a route that does not compile).
  const settings = hubSettingsFromManifest(options.manifest);
  makeDataFolder(dataFolder);
  const lock = lockHubFolder(dataFolder);
  const stops: Stops = { intake: [], parts: [() => lock.release()] };
  try {
    return await startLocked({ ...options, dataFolder, address }, edge, settings, stops);
  } catch (error) {
    await closeAll(stops);
    throw error;
  }
}

/** One hub per data folder: two would share a store and an admin socket. The lock's own message speaks of an emulator. */
function lockHubFolder(dataFolder: string): DataFolderLock {
  try {
    return lockDataFolder(dataFolder);
  } catch (error) {
    if (!(error instanceof InputError) || error.code !== 'data-folder-in-use') throw error;
    const owner = readDataFile(join(dataFolder, 'serve.lock'))?.trim();
    throw new InputError(`another edgewise process${owner ? ` (${owner})` : ''} uses ${dataFolder}: an edge hub already runs there, or an emulator; stop it first, or give this hub another --data folder`, 'data-folder-in-use');
  }
}

function makeDataFolder(dataFolder: string): void {
  try {
    mkdirSync(dataFolder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new InputError(`--data ${dataFolder} is a file; name a folder for the hub's data`, 'invalid-option');
    throw new InputError(`cannot create --data ${dataFolder} (${code ?? (error as Error).message}); check the path and its permissions`, 'invalid-option');
  }
}

async function startLocked(options: HubOptions & { address: string }, edge: EdgeConnection, initialSettings: HubSettings, stops: Stops): Promise<RunningHub> {
  const { dataFolder, address } = options;
  const log = options.log ?? (() => undefined);
  const gatewayHostName = options.gatewayHostName ?? defaultGatewayHostName(address);
  const cloudHttpsPort = options.cloudHttpsPort ?? HUB_DEFAULTS.cloudHttpsPort;
  const certificates = ensureEdgeCertificates(dataFolder, { address, names: [gatewayHostName, 'localhost'] });
  const store: HubStore = openHubStore(storeFolder(dataFolder, initialSettings), { sync: options.sync === true, ...(options.maxStoredBytes === undefined ? {} : { mapSizeBytes: options.maxStoredBytes }) });
  stops.parts.push(() => store.close());

  const messages = store.messages;
  const counters = newCounters();
  stops.parts.push(messages.onExpired((count) => (counters.expired += count)));
  const cache = IdentityCache.open(store.identities, edge.deviceId, { sealKey: ensureIdentityCacheKey(dataFolder), edgeDeviceKey: edge.key });
  for (const warning of cache.warnings) log(warning);
  const router = new Router(initialSettings);
  const ingest = createIngest({ router, store: messages, counters, log });

  // The listeners are bound first: a start that fails there (a port in use) has opened nothing
  // to the cloud, so its error is the last line. Until the cloud side exists a client is told
  // to come back (CONNACK 3, server unavailable), which the SDKs retry.
  let cloud: CloudSide | undefined;
  const started: { downstream?: HubMqttServer } = {};
  const hostNames = (): string[] => {
    const ports = [started.downstream?.port].filter((port): port is number => port !== undefined);
    const hosts = [...new Set([edge.hostName, edge.hostName.replace(/:\d+$/, ''), gatewayHostName, address, 'localhost'])];
    return [...hosts, ...hosts.flatMap((host) => ports.map((port) => `${host}:${port}`))];
  };
  const authenticate = (request: ConnectRequest, nowSeconds: number, listenerHostNames: readonly string[] = hostNames()): CacheVerdict => {
    const ready = cloud;
    if (ready === undefined) return refuse(CONNACK.serverUnavailable, 'the hub is still starting; connect again in a moment');
    return authenticateFromCache(request, { cache, hostNames: listenerHostNames, nowSeconds, requestRefresh: (identity) => ready.refresher.unknownIdentity(identity) });
  };
  const cloudSide = (): CloudSide => {
    if (cloud === undefined) throw new Error('the hub is still starting');
    return cloud;
  };
  const services: DownstreamServices = {
    authenticate,
    ingest,
    store: messages,
    counters,
    get twins() {
      return cloudSide().twins;
    },
    get upstream() {
      return cloudSide().link;
    },
    log,
  };
  const tls = { key: certificates.key, cert: certificates.cert };
  started.downstream = await listening('--mqtt-port', address, options.mqttPort ?? HUB_DEFAULTS.mqttPort, (port) => startHubMqttServer({ host: address, port, tls, hostNames, edgeDeviceId: edge.deviceId, services }));
  const downstream = started.downstream;
  stops.intake.push(() => downstream.close());
  const gateway = await listening('--https-port', address, options.httpsPort ?? HUB_DEFAULTS.httpsPort, (port) =>
    startGatewayHttpsServer({ host: address, port, tls, verify: gatewayCallerVerifier(authenticate, () => edge.hostName), methods: downstream.methods, edgeDeviceId: edge.deviceId, log }),
  );
  stops.intake.push(() => gateway.close());

  // The outage flag is read before the link is made, so a hub restarted while cut starts its link
  // cut and never opens a connection to the cloud; the outage drives the link made just below.
  const outage = new SimulatedOutage({ get state() { return link.state; }, cut: () => link.cut(), restore: () => link.restore() }, store.settings);
  const startCut = outage.persisted;
  const cloudOptions = { edge, upstreamProtocol: initialSettings.upstreamProtocol, cloudCa: options.cloudCa, cloudHttpsPort, backoff: options.upstreamBackoff, startCut };
  cloud = startCloudSide({ ...cloudOptions, cache, store, counters, disconnect: (identities) => downstream.disconnect(identities), log }, stops.parts);
  const { link, twins, refresher, resync } = cloud;
  if (startCut) log('the upstream stays cut, as `edgewise hub upstream cut` left it; `edgewise hub upstream restore` ends the outage');

  const deployments = deploymentUpdates(initialSettings, router, log);
  stops.parts.push(watchEdgeHubTwin({ link, twins, edgeDeviceId: edge.deviceId, apply: (desired, version) => deployments.apply(desired, version), log }));
  const cleanup = new ExpiryCleanup({ store: messages, intervalMs: options.cleanupIntervalMs, log });
  stops.parts.push(() => cleanup.stop());
  cleanup.start();

  const status = (): HubStatus => hubStatus({ upstream: link, clients: () => downstream.clients(), store: messages, counters, resync, twins }, Date.now());
  const admin = await startAdminChannel(dataFolder, async (request: AdminRequest) => {
    if (request.command === 'status') return status();
    await (request.action === 'cut' ? outage.cut() : outage.restore());
    return { upstream: link.state };
  });
  stops.intake.push(() => admin.close());

  const info: HubInfo = {
    mqtt: { host: address, port: downstream.port },
    https: { host: address, port: gateway.port },
    ca: certificates.caFile,
    pid: process.pid,
    edgeDeviceId: edge.deviceId,
    gatewayHostName,
  };
  writeHubInfo(dataFolder, info);
  stops.intake.push(() => removeHubInfo(dataFolder));

  let closing: Promise<void> | undefined;
  return {
    info,
    status,
    resync: () => resync.view(),
    cut: () => outage.cut(),
    restore: () => outage.restore(),
    get upstreamState() {
      return link.state;
    },
    identities: {
      keyOf: (identity) => cache.keyOf(identity),
      generationOf: (identity) => cache.lookup(identity.deviceId, identity.moduleId)?.generationId,
      refresh: () => refresher.refreshNow(),
    },
    twins,
    edgeCa: () => certificates.ca,
    connection: { hostName: edge.hostName, deviceId: edge.deviceId, key: edge.key, cloudHttpsPort, ...(options.cloudCa === undefined ? {} : { cloudCa: options.cloudCa }) },
    close: () => {
      closing ??= closeAll(stops);
      return closing;
    },
  };
}

/** Runs the intake closers, then the parts', each last first; the first failure is rethrown once all have run. */
async function closeAll(stops: Stops): Promise<void> {
  let failure: unknown;
  for (const close of [...stops.intake.splice(0).reverse(), ...stops.parts.splice(0).reverse()]) {
    try {
      await close();
    } catch (error) {
      failure ??= error;
    }
  }
  if (failure !== undefined) throw failure;
}

function defaultGatewayHostName(address: string): string {
  return address === '0.0.0.0' || address === '::' ? hostname() : address;
}
