// `edgewise run` as a library call: the edge hub on one data folder. It wires the parts (the
// store, the router, the identity cache and its refresher, the upstream link and its pump, the
// twin service and the $edgeHub deployment watch, the downstream MQTT head, the gateway HTTPS
// head, the expiry cleanup, the admin channel), then writes DIR/hub.json. close() stops taking
// work first (admin channel, listeners), lets what is in flight finish, closes the store, and
// removes hub.json, so a tool that finds no hub.json knows no hub runs.
import { mkdirSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import type { NormalizedManifest } from '../../manifest/normalize-manifest.js';
import { readDataFile } from '../data-folder/data-folder-file.js';
import { lockDataFolder, type DataFolderLock } from '../data-folder/data-folder-lock.js';
import { identityKey } from '../iothub/client-identity.js';
import { openHubStore, type HubStore } from '../store/hub-store.js';
import { startAdminChannel, type AdminRequest } from './admin-channel.js';
import { hubSettingsFromManifest, storeFolder, type HubSettings } from './config/hub-settings.js';
import { deploymentUpdates } from './deployment-updates.js';
import { startHubMqttServer, type HubMqttServer } from './downstream/hub-mqtt-server.js';
import { ensureEdgeCertificates } from './edge-certificates.js';
import { edgeConnection, type EdgeConnection } from './edge-connection.js';
import { ExpiryCleanup } from './expiry-cleanup.js';
import { gatewayCallerVerifier } from './gateway-caller.js';
import { startGatewayHttpsServer } from './gateway-https/gateway-https-server.js';
import { removeHubInfo, writeHubInfo, type HubInfo } from './hub-info.js';
import { hubStatus, type HubStatus } from './hub-status.js';
import { newCounters, type UpstreamState } from './hub-types.js';
import { authenticateFromCache, type CacheVerdict, type ConnectRequest } from './identity/authenticate-client.js';
import { fetchDeviceScope } from './identity/fetch-device-scope.js';
import { IdentityCache } from './identity/identity-cache.js';
import { ensureIdentityCacheKey } from './identity/identity-cache-key.js';
import { scopeRefreshMethod } from './identity/scope-refresh-method.js';
import { ScopeRefresher } from './identity/scope-refresher.js';
import { createIngest } from './ingest.js';
import { listening } from './listening.js';
import { Router } from './routing/router.js';
import { SimulatedOutage } from './simulated-outage.js';
import { watchEdgeHubTwin } from './upstream/edge-twin-watch.js';
import { createTwinService } from './upstream/twin-service.js';
import { createUpstreamLink } from './upstream/upstream-link.js';
import { UpstreamPump } from './upstream/upstream-pump.js';

export type { HubInfo } from './hub-info.js';
export type { HubStatus } from './hub-status.js';

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

export interface RunningHub {
  info: HubInfo;
  status(): HubStatus;
  /** Simulates an outage and its end, as `edgewise hub upstream cut|restore` does; a cut outlasts a restart. */
  cut(): Promise<void>;
  restore(): Promise<void>;
  readonly upstreamState: UpstreamState;
  close(): Promise<void>;
}

export const HUB_DEFAULTS = { address: '127.0.0.1', mqttPort: 8883, httpsPort: 443, cloudHttpsPort: 443 } as const;

/** Stops what has been started, last first; each step runs even when an earlier one failed. */
type Closer = () => Promise<void> | void;

export async function startHub(options: HubOptions): Promise<RunningHub> {
  const dataFolder = resolve(options.dataFolder);
  const address = options.address ?? HUB_DEFAULTS.address;
  if (!isIP(address)) throw new InputError(`--address ${address} is not an IP address; give the loopback or interface address to listen on, e.g. 127.0.0.1`, 'invalid-option');
  const edge = edgeConnection(options.connectionString);
  // Refused before anything is made on disk: a manifest the hub cannot serve (AMQP upstream, a route that does not compile).
  const settings = hubSettingsFromManifest(options.manifest);
  makeDataFolder(dataFolder);
  const lock = lockHubFolder(dataFolder);
  const closers: Closer[] = [() => lock.release()];
  try {
    return await startLocked({ ...options, dataFolder, address }, edge, settings, closers);
  } catch (error) {
    await closeAll(closers);
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

async function startLocked(options: HubOptions & { address: string }, edge: EdgeConnection, initialSettings: HubSettings, closers: Closer[]): Promise<RunningHub> {
  const { dataFolder, address } = options;
  const log = options.log ?? (() => undefined);
  const gatewayHostName = options.gatewayHostName ?? defaultGatewayHostName(address);
  const certificates = ensureEdgeCertificates(dataFolder, { address, names: [gatewayHostName, 'localhost'] });
  const store: HubStore = openHubStore(storeFolder(dataFolder, initialSettings), { sync: options.sync === true, ...(options.maxStoredBytes === undefined ? {} : { mapSizeBytes: options.maxStoredBytes }) });
  closers.push(() => store.close());

  const messages = store.messages;
  const counters = newCounters();
  closers.push(messages.onExpired((count) => (counters.expired += count)));
  const cache = IdentityCache.open(store.identities, edge.deviceId, { sealKey: ensureIdentityCacheKey(dataFolder), edgeDeviceKey: edge.key });
  for (const warning of cache.warnings) log(warning);

  const router = new Router(initialSettings);
  // The outage flag is read before the link is made, so a hub restarted while cut starts its link
  // cut and never opens a connection to the cloud; the outage drives the link bound just below.
  const outage = new SimulatedOutage({ get state() { return link.state; }, cut: () => link.cut(), restore: () => link.restore() }, store.settings);
  const startCut = outage.persisted;
  const link = createUpstreamLink(edge.deviceId, { hostName: edge.hostName, protocol: initialSettings.upstreamProtocol, ca: options.cloudCa, keyOf: (identity) => cache.keyOf(identity), backoff: options.upstreamBackoff, log, startCut });
  closers.push(() => link.close());
  if (startCut) log('the upstream stays cut, as `edgewise hub upstream cut` left it; `edgewise hub upstream restore` ends the outage');
  const twins = createTwinService({ link, records: store.twins, log });
  closers.push(() => twins.close());

  const started: { downstream?: HubMqttServer } = {};
  const refresher = new ScopeRefresher({
    cache,
    // An outage cuts the scope listing too: `hub upstream cut` must look like a lost link to every part.
    fetch: () => (link.state === 'cut' ? Promise.reject(new Error('the upstream is cut')) : fetchDeviceScope({ hostName: edge.hostName, httpsPort: options.cloudHttpsPort ?? HUB_DEFAULTS.cloudHttpsPort, edgeDeviceId: edge.deviceId, signWith: { identity: { deviceId: edge.deviceId }, key: edge.key }, ca: options.cloudCa })),
    onRemoved: (identities) => {
      log(`left this edge device's scope, disconnected: ${identities.map(identityKey).join(', ')}`);
      started.downstream?.disconnect(identities);
    },
    log,
    upstream: link,
  });
  closers.push(() => refresher.stop());
  refresher.start();
  // The cloud asks the hub to re-read its scope with this method on $edgeHub (docs/FACTS.md §4).
  closers.push(link.onMethod({ deviceId: edge.deviceId, moduleId: '$edgeHub' }, scopeRefreshMethod(refresher)));

  const ingest = createIngest({ router, store: messages, counters, log });
  const hostNames = (): string[] => {
    const ports = [started.downstream?.port].filter((port): port is number => port !== undefined);
    const hosts = [...new Set([edge.hostName, edge.hostName.replace(/:\d+$/, ''), gatewayHostName, address, 'localhost'])];
    return [...hosts, ...hosts.flatMap((host) => ports.map((port) => `${host}:${port}`))];
  };
  const authenticate = (request: ConnectRequest, nowSeconds: number, listenerHostNames: readonly string[] = hostNames()): CacheVerdict =>
    authenticateFromCache(request, { cache, hostNames: listenerHostNames, nowSeconds, requestRefresh: (identity) => refresher.unknownIdentity(identity) });
  const tls = { key: certificates.key, cert: certificates.cert };
  started.downstream = await listening('--mqtt-port', address, options.mqttPort ?? HUB_DEFAULTS.mqttPort, (port) =>
    startHubMqttServer({ host: address, port, tls, hostNames, edgeDeviceId: edge.deviceId, services: { authenticate, ingest, store: messages, counters, twins, upstream: link, log } }),
  );
  const downstream = started.downstream;
  closers.push(() => downstream.close());
  const gateway = await listening('--https-port', address, options.httpsPort ?? HUB_DEFAULTS.httpsPort, (port) =>
    startGatewayHttpsServer({ host: address, port, tls, verify: gatewayCallerVerifier(authenticate, () => edge.hostName), methods: downstream.methods, edgeDeviceId: edge.deviceId, log }),
  );
  closers.push(() => gateway.close());

  const deployments = deploymentUpdates(initialSettings, router, log);
  closers.push(watchEdgeHubTwin({ link, twins, edgeDeviceId: edge.deviceId, apply: (desired, version) => deployments.apply(desired, version), log }));

  const pump = new UpstreamPump({ store: messages, link, counters, log });
  closers.push(() => pump.stop());
  pump.start();
  const cleanup = new ExpiryCleanup({ store: messages, intervalMs: options.cleanupIntervalMs, log });
  closers.push(() => cleanup.stop());
  cleanup.start();

  const status = (): HubStatus => hubStatus({ upstream: link, clients: () => downstream.clients(), store: messages, counters }, Date.now());
  const admin = await startAdminChannel(dataFolder, async (request: AdminRequest) => {
    if (request.command === 'status') return status();
    await (request.action === 'cut' ? outage.cut() : outage.restore());
    return { upstream: link.state };
  });
  closers.push(() => admin.close());

  const info: HubInfo = {
    mqtt: { host: address, port: downstream.port },
    https: { host: address, port: gateway.port },
    ca: certificates.caFile,
    pid: process.pid,
    edgeDeviceId: edge.deviceId,
    gatewayHostName,
  };
  writeHubInfo(dataFolder, info);
  closers.push(() => removeHubInfo(dataFolder));

  let closing: Promise<void> | undefined;
  return {
    info,
    status,
    cut: () => outage.cut(),
    restore: () => outage.restore(),
    get upstreamState() {
      return link.state;
    },
    close: () => {
      closing ??= closeAll(closers);
      return closing;
    },
  };
}

/** Runs the closers last first; the first failure is rethrown once all have run. */
async function closeAll(closers: Closer[]): Promise<void> {
  let failure: unknown;
  for (const close of closers.splice(0).reverse()) {
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
