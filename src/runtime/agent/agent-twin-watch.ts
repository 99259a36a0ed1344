// The agent's own module twin ({edge}/$edgeAgent), read through the hub's twin service: a
// deployment arrives as its desired properties. The whole desired document is read on start,
// after every desired notification (a patch, or the difference the twin service pushes after a
// reconnect) and whenever the agent asks, and handed on with its $version; the agent decides
// what is new. Offline, the twin service answers from its stored copy, so a deployment received
// before a restart still holds after it.
import type { ClientIdentity } from '../iothub/client-identity.js';
import { patchContent } from '../hub/upstream/twin-patches.js';
import type { TwinService } from '../hub/upstream/twin-service.js';

export interface AgentTwinWatchOptions {
  twins: TwinService;
  edgeDeviceId: string;
  /** The desired document (without $version and $metadata; {} when none was ever deployed) and its version. */
  onDesired: (desired: Record<string, unknown>, version: number) => void | Promise<void>;
  log?: (line: string) => void;
}

export function edgeAgentIdentity(edgeDeviceId: string): ClientIdentity {
  return { deviceId: edgeDeviceId, moduleId: '$edgeAgent' };
}

export interface AgentTwinWatch {
  /** Reads the twin again (after what is already queued). */
  read(): void;
  stop(): void;
}

export function watchAgentTwin(options: AgentTwinWatchOptions): AgentTwinWatch {
  const identity = edgeAgentIdentity(options.edgeDeviceId);
  const log = options.log ?? (() => undefined);
  let stopped = false;
  let work = Promise.resolve();

  const readNow = async (): Promise<void> => {
    if (stopped) return;
    const twin = await options.twins.get(identity);
    if (!stopped) await options.onDesired(patchContent(twin.desired), twin.desired.$version);
  };
  const read = (): void => {
    work = work.then(readNow).catch((error: unknown) => log(`$edgeAgent twin: ${error instanceof Error ? error.message : String(error)}`));
  };

  const stopPatches = options.twins.onDesired(identity, read);
  read();
  return {
    read,
    stop: () => {
      stopped = true;
      stopPatches();
    },
  };
}
