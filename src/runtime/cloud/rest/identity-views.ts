// Device and module identities as IoT Hub's REST API writes them (docs/FACTS.md §9): the
// registry's records plus the fields a SAS-only hub always answers the same way, such as null
// x509 thumbprints beside the keys, which the edge hub's parser expects to find.
import type { DeviceIdentity, ModuleIdentity } from '../identities.js';

const NO_THUMBPRINTS = { primaryThumbprint: null, secondaryThumbprint: null };

export function deviceView(device: DeviceIdentity): Record<string, unknown> {
  return {
    ...device,
    authentication: { ...device.authentication, x509Thumbprint: NO_THUMBPRINTS },
    statusReason: device.statusReason ?? null,
    deviceScope: device.deviceScope ?? null,
    parentScopes: device.parentScopes ?? [],
  };
}

export function moduleView(module: ModuleIdentity): Record<string, unknown> {
  return { ...module, managedBy: module.managedBy ?? null, authentication: { ...module.authentication, x509Thumbprint: NO_THUMBPRINTS } };
}
