// What the hub runs with: routes, TTL and schema from the $edgeHub desired properties, and the
// upstream protocol and storage folder from edgeHub's environment (the manifest's
// $edgeAgent systemModules.edgeHub). A deployment from the cloud replaces the first part only:
// the environment belongs to the container, which a twin update does not recreate.
import { InputError } from '../../../errors.js';
import { desiredOf } from '../../../manifest/manifest-views.js';
import type { NormalizedManifest } from '../../../manifest/normalize-manifest.js';
import type { CompiledRoute } from '../../../routes/index.js';
import { DOCUMENTED_DEFAULT_TTL_SECS, parseEdgeHubDesired } from './edgehub-desired.js';
import { storageFolderSetting, upstreamProtocolSetting } from './edgehub-env.js';

export { DEFAULT_ROUTE_PRIORITY, DOCUMENTED_DEFAULT_TTL_SECS } from './edgehub-desired.js';
export { storeFolder } from './store-folder.js';

export interface HubRoute {
  name: string;
  text: string;
  /** 0 is the highest; DEFAULT_ROUTE_PRIORITY when the route sets none. */
  priority: number;
  /** 0 = inherit the global TTL */
  timeToLiveSecs: number;
  compiled: CompiledRoute;
}

export interface HubSettings {
  schemaVersion: string;
  routes: HubRoute[];
  /** storeAndForwardConfiguration.timeToLiveSecs; 7200 when absent (the documented default); negative = infinite */
  timeToLiveSecs: number;
  upstreamProtocol: 'Mqtt' | 'MqttWs';
  /** edgeHub's storageFolder env value (a container path), when set */
  storageFolder?: string;
}

/** From a normalized manifest; throws InputError with a one-line message saying what to fix. */
export function hubSettingsFromManifest(manifest: NormalizedManifest): HubSettings {
  const desired = desiredOf(manifest, '$edgeHub');
  if (!desired) {
    throw new InputError('The manifest has no $edgeHub "properties.desired" (a layered deployment or a fragment?); run the hub with a full deployment manifest that sets schemaVersion, routes and storeAndForwardConfiguration.', 'no-edgehub-desired');
  }
  const parsed = parseEdgeHubDesired(desired.value);
  const storageFolder = storageFolderSetting(manifest);
  return {
    schemaVersion: parsed.schemaVersion,
    routes: parsed.routes ?? [],
    timeToLiveSecs: parsed.timeToLiveSecs ?? DOCUMENTED_DEFAULT_TTL_SECS,
    upstreamProtocol: upstreamProtocolSetting(manifest),
    ...(storageFolder === undefined ? {} : { storageFolder }),
  };
}

/**
 * A new $edgeHub desired document from the cloud (a deployment): routes and TTL replaced, the
 * env-derived fields kept from `current`. As edgeHub's ConfigUpdater, a 1.0 document without
 * routes keeps the current routes, and one without storeAndForwardConfiguration the current TTL. Throws
 * InputError when invalid; the caller then keeps the old settings.
 */
export function hubSettingsFromDesired(desired: unknown, current: HubSettings): HubSettings {
  const parsed = parseEdgeHubDesired(desired);
  return {
    ...current,
    schemaVersion: parsed.schemaVersion,
    routes: parsed.routes ?? current.routes,
    timeToLiveSecs: parsed.timeToLiveSecs ?? current.timeToLiveSecs,
  };
}
