// The emulator's answer to "whose keys sign this identity's tokens": its registry. An unknown or
// disabled identity may not connect at all (docs/research/iothub-facts.md §7, "Bad credentials").
import type { IdentityRegistry } from '../identities.js';
import type { ConnectCredentials } from '../../iothub/authenticate-connect.js';
import type { ClientIdentity } from '../../iothub/client-identity.js';

export function registryCredentials(registry: IdentityRegistry, identity: ClientIdentity): ConnectCredentials | { refused: string } {
  const device = registry.getDevice(identity.deviceId);
  if (device === undefined) return { refused: `device "${identity.deviceId}" is not registered` };
  if (device.status !== 'enabled') return { refused: `device "${identity.deviceId}" is disabled` };
  // A module signs with its own keys: whether IoT Hub also takes its device's keys is unconfirmed
  // (docs/research/iothub-facts.md, gap 9), so the stricter reading is kept.
  const owner = identity.moduleId === undefined ? device : registry.getModule(identity.deviceId, identity.moduleId);
  if (owner === undefined) return { refused: `module "${identity.deviceId}/${identity.moduleId}" is not registered` };
  const { primaryKey, secondaryKey } = owner.authentication.symmetricKey;
  return { keys: [primaryKey, secondaryKey], generationId: owner.generationId };
}
