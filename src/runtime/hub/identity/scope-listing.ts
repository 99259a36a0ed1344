// From the cloud's device-scope pages to cached identities (docs/FACTS.md §9 for the shapes). The
// listing may hold more than this edge device's scope; what is kept: the edge device itself, its
// modules, and the devices whose parentScopes name the edge device's deviceScope (edgeHub's rule
// for a child; a device has exactly one parent, docs/FACTS.md §4).
import type { CachedIdentity } from '../hub-types.js';

export interface ScopePage {
  devices: unknown[];
  modules: unknown[];
  continuationLink?: string;
}

export function scopeIdentitiesOf(pages: readonly ScopePage[], edgeDeviceId: string): CachedIdentity[] {
  const devices = pages.flatMap((page) => page.devices).filter(isRecord);
  const edge = devices.find((device) => device.deviceId === edgeDeviceId);
  const edgeScope = typeof edge?.deviceScope === 'string' && edge.deviceScope !== '' ? edge.deviceScope : undefined;
  const inScope = devices.filter((device) => device.deviceId === edgeDeviceId || (edgeScope !== undefined && parentScopesOf(device).includes(edgeScope)));
  const modules = pages
    .flatMap((page) => page.modules)
    .filter(isRecord)
    .filter((module) => module.deviceId === edgeDeviceId);
  return [...inScope, ...modules].flatMap((entry) => {
    const identity = identityOf(entry);
    return identity === undefined ? [] : [identity];
  });
}

function identityOf(entry: Record<string, unknown>): CachedIdentity | undefined {
  const { deviceId, moduleId, generationId } = entry;
  if (typeof deviceId !== 'string' || deviceId === '') return undefined;
  if (moduleId !== undefined && moduleId !== null && (typeof moduleId !== 'string' || moduleId === '')) return undefined;
  const capabilities = isRecord(entry.capabilities) ? entry.capabilities : undefined;
  return {
    deviceId,
    ...(typeof moduleId === 'string' ? { moduleId } : {}),
    // Modules carry no status in IoT Hub's answers: they are enabled unless told otherwise.
    status: typeof entry.status === 'string' && entry.status.toLowerCase() === 'disabled' ? 'disabled' : 'enabled',
    keys: symmetricKeysOf(entry.authentication),
    generationId: typeof generationId === 'string' ? generationId : '',
    ...(typeof moduleId !== 'string' && typeof capabilities?.iotEdge === 'boolean' ? { iotEdge: capabilities.iotEdge } : {}),
  };
}

/** Primary first; none for identities that authenticate with certificates. */
function symmetricKeysOf(authentication: unknown): string[] {
  if (!isRecord(authentication) || !isRecord(authentication.symmetricKey)) return [];
  const type = typeof authentication.type === 'string' ? authentication.type.toLowerCase() : 'sas';
  if (type !== 'sas') return [];
  const { primaryKey, secondaryKey } = authentication.symmetricKey;
  return [primaryKey, secondaryKey].filter((key): key is string => typeof key === 'string' && key !== '');
}

function parentScopesOf(device: Record<string, unknown>): string[] {
  return Array.isArray(device.parentScopes) ? device.parentScopes.filter((scope): scope is string => typeof scope === 'string') : [];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
