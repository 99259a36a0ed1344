// How the twin service keeps one identity's twin in HubStore.twins, keyed by its client id
// (`{d}` or `{d}/{m}`): the twin as last known (from the cloud, with the local reported patches
// applied) and the reported patches the cloud has not accepted yet, oldest first. Values are
// plain JSON, so any Records encoding keeps them.
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { isPlainObject, type Json } from './twin-patches.js';

export type Properties = Json & { $version: number };

export interface StoredTwin {
  deviceId: string;
  moduleId?: string;
  /** Desired properties as last read from the cloud; absent until the hub has read them once. */
  desired?: Properties;
  /** Reported properties as the client sees them: the cloud's, with the pending patches applied. */
  reported: Properties;
  /** Reported patches not yet accepted by the cloud, oldest first; nulls are deletions. */
  pending: Json[];
}

export function emptyTwin(identity: ClientIdentity): StoredTwin {
  return { ...identityFields(identity), reported: { $version: 0 }, pending: [] };
}

/** A stored value read back; undefined when it is not a twin this service wrote. */
export function storedTwinOf(value: unknown): StoredTwin | undefined {
  if (!isPlainObject(value) || typeof value.deviceId !== 'string') return undefined;
  if (value.moduleId !== undefined && typeof value.moduleId !== 'string') return undefined;
  if (!isProperties(value.reported) || !Array.isArray(value.pending) || !value.pending.every(isPlainObject)) return undefined;
  if (value.desired !== undefined && !isProperties(value.desired)) return undefined;
  return {
    deviceId: value.deviceId,
    ...(value.moduleId === undefined ? {} : { moduleId: value.moduleId }),
    ...(value.desired === undefined ? {} : { desired: value.desired }),
    reported: value.reported,
    pending: value.pending,
  };
}

export function isProperties(value: unknown): value is Properties {
  return isPlainObject(value) && typeof value.$version === 'number' && Number.isFinite(value.$version);
}

function identityFields(identity: ClientIdentity): ClientIdentity {
  return identity.moduleId === undefined ? { deviceId: identity.deviceId } : { deviceId: identity.deviceId, moduleId: identity.moduleId };
}
