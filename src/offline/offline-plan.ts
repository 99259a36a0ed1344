// How long a device can stay offline before edgeHub loses messages meant for the cloud, and why.
// Model (FACTS.md §3, doc/DbStoreSizeLimits.md):
// - only routes INTO $upstream accumulate while the cloud is unreachable (module endpoints keep
//   delivering on the device);
// - a message is lost when it has waited its TTL (now - enqueueTime >= ttl): the route's
//   timeToLiveSecs, or the global storeAndForwardConfiguration.timeToLiveSecs when the route has
//   none or 0; a negative TTL never expires; without any, the documented default 7200 s;
// - or when the store cannot take it: with persistent storage (the default) RocksDB fails when
//   the disk is full and new messages are refused (iotedge #835); with UsePersistentStorage=false
//   the store is in memory, limited by storeLimits.maxSizeBytes when set;
// - expired messages are deleted only by a cleanup pass every MessageCleanupIntervalSecs
//   (default 1800), so the store peaks at TTL + interval worth of messages.
// `rate` is the number of messages per second that reach $upstream routes in total.
import type { AgentModule } from '../manifest/agent-modules.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf, findEnv, listRoutes } from '../manifest/manifest-views.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { parseRoute } from '../routes/route-parser.js';
import { listMounts } from '../manifest/docker/mounts.js';
import { mountPersisting, runtimeModules, storageFolderOf } from '../manifest/docker/storage-folder.js';
import { createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { STORE_OVERHEAD_BYTES_PER_MESSAGE, storedBytesPerMessage } from './store-overhead.js';

export const DOCUMENTED_DEFAULT_TTL_SECS = 7200;
export const DEFAULT_CLEANUP_INTERVAL_SECS = 1800;

export interface PlanInput {
  /** Messages per second reaching $upstream routes. */
  rate: number;
  /** Bytes per message (body plus application properties). */
  size: number;
  /** Bytes free for edgeHub's store, if known. */
  disk?: number;
}

export type TtlSource = 'route' | 'global' | 'default';
export type LossReason = 'ttl' | 'disk' | 'none';

export interface RoutePlan {
  name: string;
  /** Seconds; null when messages never expire (negative TTL). */
  ttlSecs: number | null;
  ttlSource: TtlSource;
  /** Seconds offline before this route loses messages; null when nothing limits it. */
  lostAfterSecs: number | null;
  reason: LossReason;
}

export interface OfflinePlan {
  rateMsgsPerSec: number;
  messageBytes: number;
  storeOverheadBytes: number;
  storedBytesPerMessage: number;
  storeGrowthBytesPerSec: number;
  /** Bytes the store may use: --disk, or storeLimits.maxSizeBytes for an in-memory store; null when unknown. */
  capacityBytes: number | null;
  capacitySource: 'disk' | 'storeLimits' | null;
  /** Seconds until the store is full, with no message expiring; null when the capacity is unknown. */
  fullAfterSecs: number | null;
  routes: RoutePlan[];
  /** The answer: seconds offline before a message is lost; null when nothing limits it. */
  offlineBudgetSecs: number | null;
  reason: LossReason;
  /** The route whose messages are lost first (for reason 'ttl'). */
  limitingRoute: string | null;
  /** The store's size when the budget is reached, or at its peak when messages expire first. */
  peakStoreBytes: number | null;
  cleanupIntervalSecs: number;
  notes: string[];
}

function hubModule(manifest: NormalizedManifest): AgentModule | undefined {
  return runtimeModules(manifest).find((entry) => entry.name === 'edgeHub')?.module;
}

function envNumber(module: AgentModule | undefined, name: string): number | undefined {
  const env = module ? findEnv(module.definition, module.pointer, name) : undefined;
  const value = typeof env?.value === 'string' ? Number(env.value.trim()) : env?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

function envFlag(module: AgentModule | undefined, name: string): boolean | undefined {
  const env = module ? findEnv(module.definition, module.pointer, name) : undefined;
  if (typeof env?.value === 'boolean') return env.value;
  if (typeof env?.value === 'string' && /^(true|false)$/i.test(env.value.trim())) return env.value.trim().toLowerCase() === 'true';
  return undefined;
}

export function planOffline(manifest: NormalizedManifest, input: PlanInput): OfflinePlan {
  const notes: string[] = [];
  const hub = hubModule(manifest);
  const desired = desiredOf(manifest, '$edgeHub');
  const config = desired?.value.storeAndForwardConfiguration;
  const globalTtl = isPlainObject(config) && typeof config.timeToLiveSecs === 'number' ? config.timeToLiveSecs : undefined;
  if (globalTtl === undefined) notes.push(`$edgeHub sets no storeAndForwardConfiguration.timeToLiveSecs; the documented default of ${DOCUMENTED_DEFAULT_TTL_SECS} s is assumed (run edgewise offline enable --ttl SECONDS to set one)`);

  const persistent = envFlag(hub, 'UsePersistentStorage') ?? true;
  const storeLimit = isPlainObject(config) && isPlainObject(config.storeLimits) && typeof config.storeLimits.maxSizeBytes === 'number' ? config.storeLimits.maxSizeBytes : undefined;
  let capacity: number | null = input.disk ?? null;
  let capacitySource: OfflinePlan['capacitySource'] = input.disk !== undefined ? 'disk' : null;
  if (!persistent) {
    notes.push('edgeHub sets UsePersistentStorage=false: messages are kept in memory and lost whenever edgeHub restarts');
    if (storeLimit !== undefined && (capacity === null || storeLimit < capacity)) {
      capacity = storeLimit;
      capacitySource = 'storeLimits';
    }
  } else if (storeLimit !== undefined) {
    notes.push('storeAndForwardConfiguration.storeLimits.maxSizeBytes is ignored with persistent storage (the default); only the disk limits the store (iotedge doc/DbStoreSizeLimits.md)');
  }
  if (persistent && hub) {
    const folder = storageFolderOf(manifest, hub);
    const mounted = folder && !holdsPlaceholder(folder.value) ? mountPersisting(folder.value, 'edgeHub', listMounts(hostConfigOf(createOptionsOf(manifest, hub)))) : undefined;
    if (!folder) notes.push('edgeHub sets no storageFolder, so it stores messages in the container, where they are lost when the container is recreated (run edgewise offline enable)');
    else if (!mounted && !holdsPlaceholder(folder.value)) notes.push(`edgeHub's storageFolder ${folder.value} is not mounted from the host, so stored messages are lost when the container is recreated (run edgewise offline enable)`);
  }
  const cleanupIntervalSecs = envNumber(hub, 'MessageCleanupIntervalSecs') ?? DEFAULT_CLEANUP_INTERVAL_SECS;

  const stored = storedBytesPerMessage(input.size);
  const growth = input.rate * stored;
  const fullAfterSecs = capacity === null ? null : capacity / growth;

  const routes: RoutePlan[] = [];
  for (const route of listRoutes(manifest)) {
    const parsed = parseRoute(route.text);
    if (!parsed.ok) {
      notes.push(`route "${route.name}" does not parse, so it is left out (edgewise lint says why)`);
      continue;
    }
    if (parsed.route.sink.kind !== 'upstream') continue;
    const own = route.timeToLiveSecs !== undefined && route.timeToLiveSecs > 0 ? route.timeToLiveSecs : undefined;
    const ttlSource: TtlSource = own !== undefined ? 'route' : globalTtl !== undefined ? 'global' : 'default';
    const raw = own ?? globalTtl ?? DOCUMENTED_DEFAULT_TTL_SECS;
    const ttlSecs = raw < 0 ? null : raw;
    const ttlLimit = ttlSecs ?? Infinity;
    const diskLimit = fullAfterSecs ?? Infinity;
    const lost = Math.min(ttlLimit, diskLimit);
    routes.push({ name: route.name, ttlSecs, ttlSource, lostAfterSecs: Number.isFinite(lost) ? lost : null, reason: !Number.isFinite(lost) ? 'none' : ttlLimit <= diskLimit ? 'ttl' : 'disk' });
  }
  if (routes.length === 0) notes.push('no route sends messages to $upstream, so nothing is stored for the cloud while the device is offline');

  let limiting: RoutePlan | undefined;
  for (const route of routes) if (route.lostAfterSecs !== null && (limiting?.lostAfterSecs == null || route.lostAfterSecs < limiting.lostAfterSecs)) limiting = route;
  const budget = limiting?.lostAfterSecs ?? null;
  const reason: LossReason = limiting ? limiting.reason : 'none';
  // The store stops growing once messages expire (plus the cleanup delay), or at the budget.
  const longestTtl = routes.some((route) => route.ttlSecs === null) ? Infinity : Math.max(0, ...routes.map((route) => route.ttlSecs ?? 0));
  const peakWindow = Math.min(longestTtl + cleanupIntervalSecs, reason === 'disk' && budget !== null ? budget : Infinity);
  const peakStoreBytes = routes.length > 0 && Number.isFinite(peakWindow) ? Math.min(growth * peakWindow, capacity ?? Infinity) : null;
  if (capacity === null && routes.length > 0) notes.push('without --disk only TTL expiry is considered; pass --disk BYTES (the free space of the storage folder) to check the disk too');
  if (reason === 'disk') notes.push('when the store is full, edgeHub refuses new messages (the publish fails and the client is disconnected, iotedge #835); the messages already stored are kept');

  return {
    rateMsgsPerSec: input.rate,
    messageBytes: input.size,
    storeOverheadBytes: STORE_OVERHEAD_BYTES_PER_MESSAGE,
    storedBytesPerMessage: stored,
    storeGrowthBytesPerSec: growth,
    capacityBytes: capacity,
    capacitySource,
    fullAfterSecs,
    routes,
    offlineBudgetSecs: budget,
    reason,
    limitingRoute: reason === 'ttl' ? (limiting?.name ?? null) : null,
    peakStoreBytes,
    cleanupIntervalSecs,
    notes,
  };
}
