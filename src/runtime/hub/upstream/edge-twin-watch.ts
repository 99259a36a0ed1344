// The hub's own module twin ({edge}/$edgeHub): a deployment arrives as its desired properties
// (routes, store-and-forward TTL). On start, on each reconnect and on each desired patch the
// whole desired document goes to `apply`, which updates the router and TTL without a restart; the
// outcome is reported as edgeHub reports it (Azure/iotedge TwinConfigSource.cs,
// EdgeHubConnection.cs: schemaVersion "1.0", lastDesiredVersion, lastDesiredStatus
// {code 200 | 400, description}). Offline, the stored copy of the twin is applied, so a deployment
// received before a restart still holds after it (edgeHub's GetCachedConfig).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { applyPatch, patchContent, type Json } from './twin-patches.js';
import type { TwinService } from './twin-service.js';
import type { UpstreamLink } from './upstream-link.js';

export type ApplyOutcome = { ok: true } | { ok: false; reason: string };

export interface EdgeHubTwinWatchOptions {
  link: UpstreamLink;
  twins: TwinService;
  edgeDeviceId: string;
  apply: (desired: Record<string, unknown>, version: number) => ApplyOutcome;
  log?: (line: string) => void;
}

/** The reported properties edgeHub writes after it looked at a desired version. */
export interface EdgeHubReported {
  schemaVersion: string;
  lastDesiredVersion: number;
  lastDesiredStatus: { code: 200 | 400; description: string };
}

const REPORTED_SCHEMA_VERSION = '1.0';

export function edgeHubIdentity(edgeDeviceId: string): ClientIdentity {
  return { deviceId: edgeDeviceId, moduleId: '$edgeHub' };
}

/** What edgeHub reports for an outcome; a failure's description starts as edgeHub's does. */
export function edgeHubReported(version: number, outcome: ApplyOutcome): EdgeHubReported {
  return {
    schemaVersion: REPORTED_SCHEMA_VERSION,
    lastDesiredVersion: version,
    lastDesiredStatus: outcome.ok ? { code: 200, description: '' } : { code: 400, description: `Error while parsing desired properties - ${outcome.reason}` },
  };
}

/** Starts watching; the returned function stops it. */
export function watchEdgeHubTwin(options: EdgeHubTwinWatchOptions): () => void {
  const identity = edgeHubIdentity(options.edgeDeviceId);
  const log = options.log ?? (() => undefined);
  let stopped = false;
  /** The desired document as last seen (with its $version), to merge patches into. */
  let desired: (Json & { $version: number }) | undefined;
  /** The version whose outcome was last handed to apply, so a reconnect does not apply it twice. */
  let appliedVersion: number | undefined;
  let work = Promise.resolve();

  const enqueue = (task: () => Promise<void>): void => {
    work = work.then(task).catch((error: unknown) => log(`$edgeHub twin: ${error instanceof Error ? error.message : String(error)}`));
  };

  const handle = async (document: Json & { $version: number }): Promise<void> => {
    desired = document;
    const version = document.$version;
    const content = patchContent(document);
    // An empty desired section is no deployment: the manifest's settings stay (edgeHub has no config then).
    if (Object.keys(content).length === 0 || version === appliedVersion || stopped) return;
    let outcome: ApplyOutcome;
    try {
      outcome = options.apply(content, version);
    } catch (error) {
      outcome = { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
    appliedVersion = version;
    if (outcome.ok) log(`$edgeHub twin: deployment version ${version} applied`);
    else log(`$edgeHub twin: deployment version ${version} refused, the previous settings stay: ${outcome.reason}`);
    await options.twins.patchReported(identity, { ...edgeHubReported(version, outcome) });
  };

  const readNow = async (): Promise<void> => {
    const twin = await options.twins.get(identity);
    if (!stopped) await handle(twin.desired);
  };
  const readWhole = (): void => enqueue(readNow);

  const stopPatches = options.twins.onDesired(identity, (patch, version) =>
    enqueue(async () => {
      if (stopped) return;
      // A patch applies only on top of the version before it; otherwise the whole document is read
      // again, as edgeHub does when it holds no baseline (TwinConfigSource.HandleDesiredPropertiesUpdate).
      if (desired === undefined || version !== desired.$version + 1) return readNow();
      await handle({ ...applyPatch(desired, patch), $version: version });
    }),
  );
  const stopState = options.link.onStateChange((state) => {
    if (state === 'connected') readWhole();
  });
  readWhole();

  return () => {
    stopped = true;
    stopPatches();
    stopState();
  };
}
