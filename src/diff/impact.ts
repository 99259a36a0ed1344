// What the runtime does with each change: the first thing a reviewer wants to know.
//
// Rules and their sources (Azure/iotedge; "inference" marks what the code does not state):
// - create / remove: a module only in B is pulled, created and started; a module only in A is
//   stopped and removed (edge-agent Core ModuleSet.Diff: "created" and "removed";
//   HealthRestartPlanner.PlanAsync: stop + remove commands, create + start commands).
// - recreate: a module whose definition differs is "updated": edgeAgent issues an update command,
//   which for Docker stops, removes and re-creates the container, then starts it
//   (HealthRestartPlanner.ProcessAddedUpdatedModules, commandFactory.UpdateAsync). "Differs" is
//   DockerModule.Equals: version, type, status, settings (image and createOptions, via
//   DockerConfig.Equals), restartPolicy, imagePullPolicy, env and, since schema 1.1, startupOrder
//   (EdgeHubDockerModule.Equals lists StartupOrder). edgeHub's Equals ignores version ("we ignore
//   the version since we don't ever use it"), so that change has no effect on edgeHub.
//   edgeAgent updating its own definition restarts itself (GetUpdateRuntimeCommands).
// - stop/start: when only the desired status differs (DockerModule.OnlyModuleStatusChanged),
//   edgeAgent starts or stops the existing container (ProcessDesiredStatusChangedModules).
// - twin patch only: a module twin's desired properties reach the running module as a desired
//   property update; edgeAgent's module set does not include them, so no container changes
//   (MS Learn, module-composition: "The desired properties of any extra module twins").
// - routes reload: edgeHub replaces its routes and store-and-forward TTL in place when its twin
//   changes (edge-hub ConfigUpdater.UpdateConfig: router.ReplaceRoutes, SetTimeToLive). Other
//   edgeHub desired properties (schemaVersion, mqttBroker) go through the same config update
//   (inference).
// - no effect: settings keys edgeAgent does not read (DockerConfig holds image and createOptions
//   only), unknown module keys, registry credentials (used at the next image pull; inference) and
//   edgeAgent's runtime settings (loggingOptions and minDockerVersion apply when containers are
//   created; inference).

export type Impact = 'remove' | 'create' | 'recreate' | 'stop-start' | 'twin-patch' | 'routes-reload' | 'no-effect';

/** Strongest first: a module's impact is the strongest among its changes. */
export const IMPACT_ORDER: readonly Impact[] = ['remove', 'create', 'recreate', 'stop-start', 'twin-patch', 'routes-reload', 'no-effect'];

export const IMPACT_LABEL: Record<Impact, string> = {
  remove: 'remove',
  create: 'create',
  recreate: 'recreate',
  'stop-start': 'stop/start',
  'twin-patch': 'twin patch only',
  'routes-reload': 'routes reload',
  'no-effect': 'no effect',
};

export const IMPACT_MEANING: Record<Impact, string> = {
  remove: 'edgeAgent stops and removes the container',
  create: 'edgeAgent pulls the image, creates and starts the container',
  recreate: 'edgeAgent stops, removes, re-creates and starts the container',
  'stop-start': 'edgeAgent starts or stops the existing container',
  'twin-patch': 'the running module receives a desired-properties update; the container is untouched',
  'routes-reload': 'edgeHub reloads its routes and store-and-forward settings without restarting',
  'no-effect': 'nothing changes on the device until a container is next created',
};

const RECREATE_FIELDS = new Set(['image', 'createOptions', 'env', 'type', 'version', 'restartPolicy', 'imagePullPolicy', 'startupOrder', 'system']);

/** The impact of one change, from its pointer segments in the normalized model. */
export function impactOf(segments: readonly string[], kind: 'added' | 'removed' | 'changed'): Impact {
  const [section, name, field] = segments;
  switch (section) {
    case 'modules':
      if (field === undefined) return kind === 'added' ? 'create' : kind === 'removed' ? 'remove' : 'recreate';
      if (field === 'status') return 'stop-start';
      if (field === 'version' && name === 'edgeHub') return 'no-effect';
      return RECREATE_FIELDS.has(field) ? 'recreate' : 'no-effect';
    case 'twins':
      return 'twin-patch';
    case 'routes':
    case 'storeAndForward':
    case 'hubSettings':
      return 'routes-reload';
    default:
      return 'no-effect';
  }
}

export function strongestImpact(impacts: Iterable<Impact>): Impact {
  const present = new Set(impacts);
  return IMPACT_ORDER.find((impact) => present.has(impact)) ?? 'no-effect';
}
