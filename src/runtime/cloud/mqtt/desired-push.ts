// Desired-property patches pushed to the identity's live connection when it subscribed to them, on
// `$iothub/twin/PATCH/properties/desired/?$version={v}` with the patch, nulls included. IoT Hub keeps
// no notification for a disconnected device: it reads the whole twin when it connects again
// (docs/FACTS.md §5; docs/research/iothub-facts.md §5).
import type { TwinStore } from '../twins.js';
import type { SessionRegistry } from '../../iothub/sessions.js';
import { desiredPatchTopic } from '../../iothub/topics.js';
import { withoutMetadata } from './twin-requests.js';

/** Starts pushing; the returned function stops it. */
export function pushDesiredPatches(twins: TwinStore, sessions: SessionRegistry): () => void {
  return twins.onDesired((change) => {
    const identity = change.moduleId === undefined ? { deviceId: change.deviceId } : { deviceId: change.deviceId, moduleId: change.moduleId };
    sessions.subscriber(identity, 'desired')?.publish(desiredPatchTopic(change.patch.$version), JSON.stringify(withoutMetadata(change.patch)));
  });
}
