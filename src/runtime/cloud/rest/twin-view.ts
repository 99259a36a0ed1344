// A twin as IoT Hub's REST API answers it (docs/FACTS.md §9): the twin store's document (tags,
// desired and reported properties, version, etag) with the read-only identity fields IoT Hub
// copies onto the twin's root (status, connection state, scope, authentication type).
import { CloudError } from '../cloud-error.js';
import type { IdentityRegistry } from '../identities.js';
import type { Twin, TwinStore } from '../twins.js';

const NO_THUMBPRINT = { primaryThumbprint: null, secondaryThumbprint: null };

export function twinView(registry: IdentityRegistry, twin: Twin): Record<string, unknown> {
  const device = registry.getDevice(twin.deviceId);
  if (!device) throw CloudError.deviceNotFound(twin.deviceId);
  const identity = twin.moduleId === undefined ? undefined : registry.getModule(twin.deviceId, twin.moduleId);
  const common = {
    deviceId: twin.deviceId,
    ...(twin.moduleId !== undefined && { moduleId: twin.moduleId }),
    etag: twin.etag,
    deviceEtag: (identity ?? device).etag,
    status: device.status,
    statusUpdateTime: device.statusUpdatedTime,
    connectionState: (identity ?? device).connectionState,
    lastActivityTime: (identity ?? device).lastActivityTime,
    cloudToDeviceMessageCount: (identity ?? device).cloudToDeviceMessageCount,
    authenticationType: 'sas',
    x509Thumbprint: NO_THUMBPRINT,
    modelId: '',
    version: twin.version,
    tags: twin.tags ?? {},
    properties: twin.properties,
  };
  if (twin.moduleId !== undefined) return common;
  return { ...common, capabilities: device.capabilities, ...(device.deviceScope !== undefined && { deviceScope: device.deviceScope }), parentScopes: device.parentScopes ?? [] };
}

/** The twin of an identity, with IoT Hub's 404 when the identity does not exist. */
export function existingTwin(registry: IdentityRegistry, twins: TwinStore, deviceId: string, moduleId?: string): Twin {
  if (!registry.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
  if (moduleId !== undefined && !registry.getModule(deviceId, moduleId)) throw CloudError.moduleNotFound(deviceId, moduleId);
  return twins.get(deviceId, moduleId);
}
