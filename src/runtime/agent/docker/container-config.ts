// A module's ContainerCreate request, built as IoT Edge builds it: the manifest's createOptions
// passed through (Binds, Mounts, PortBindings, Devices…), with what the runtime adds on top.
// Facts (Azure/iotedge):
// - the container is named after the module, and Image is settings.image (edgelet-docker
//   runtime.rs create; edgeAgent's CombinedDockerConfigProvider);
// - Env: the module spec's env (the manifest's env plus IOTEDGE_*) merged with createOptions.Env,
//   where createOptions.Env wins on the same name, and the result sorted by name
//   (edgelet-docker runtime.rs merge_env);
// - Labels: createOptions.Labels plus net.azure-devices.edge.owner and
//   net.azure-devices.edge.original-image (edgelet-docker runtime.rs);
// - the workload socket is bind-mounted where IOTEDGE_WORKLOADURI points, and CAP_CHOWN and
//   CAP_SETUID are dropped unless CapAdd asks for them (edgeAgent CombinedEdgeletConfigProvider
//   MountSockets, SetCapabilities).
// Keys are matched without regard to case, as Docker's Go JSON decoder and edgeAgent read them.
import { memberOf } from '../../../manifest/case-insensitive-member.js';
import { isPlainObject } from '../../../manifest/manifest-shape.js';
import { ModuleBackendError, type ModuleLaunch } from '../agent-types.js';

export const OWNER_LABEL = 'net.azure-devices.edge.owner';
export const OWNER_VALUE = 'Microsoft.Azure.Devices.Edge.Agent';
export const ORIGINAL_IMAGE_LABEL = 'net.azure-devices.edge.original-image';
/** edgewise's own: which agent data folder created the container, so list() finds only its own. */
export const DATA_FOLDER_LABEL = 'edgewise.agent.data-folder';
export const MODULE_LABEL = 'edgewise.agent.module';

/** Docker's container name rule (moby daemon/names: RestrictedNameChars). */
const CONTAINER_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;
const DROPPED_CAPABILITIES = ['CAP_CHOWN', 'CAP_SETUID'];
/** Keys dockerode's createContainer reads as its own (query, auth header, abort), not as body: createOptions must not set them. */
const CLIENT_KEYS = ['name', 'platform', 'authconfig', 'abortSignal', '_query', '_body'];

export interface ContainerCreateRequest {
  name: string;
  body: Record<string, unknown>;
  /** What was changed in the module's createOptions and why, for the agent's log. */
  notes: string[];
}

export function containerCreateRequest(launch: ModuleLaunch, dataFolder: string): ContainerCreateRequest {
  const { spec } = launch;
  if (!CONTAINER_NAME.test(spec.name)) {
    throw new ModuleBackendError(`module ${spec.name} cannot be a container name (Docker allows letters, digits, '_', '.' and '-', at least two characters); rename the module`, 'container-name');
  }
  const body = structuredClone(spec.createOptions);
  const notes: string[] = [];
  const env = mergedEnv(launch, takeMember(body, 'Env'));
  const labels = {
    ...stringMap(takeMember(body, 'Labels'), spec.name, 'Labels'),
    [OWNER_LABEL]: OWNER_VALUE,
    [ORIGINAL_IMAGE_LABEL]: spec.image,
    [DATA_FOLDER_LABEL]: dataFolder,
    [MODULE_LABEL]: spec.name,
  };
  takeMember(body, 'Image');
  for (const key of CLIENT_KEYS) {
    if (!Object.hasOwn(body, key)) continue;
    delete body[key];
    notes.push(`module ${spec.name}: createOptions key \`${key}\` is an option of the API client, not container configuration; it is not passed to the engine`);
  }
  const hostConfig = objectMember(body, 'HostConfig', spec.name);
  const socketTarget = workloadSocketTarget(env);
  if (socketTarget !== undefined) appendTo(hostConfig, 'Binds', `${launch.workloadSocket}:${socketTarget}`, spec.name);
  dropCapabilities(hostConfig, spec.name);
  if (takeMember(hostConfig, 'RestartPolicy') !== undefined) {
    notes.push(`module ${spec.name}: createOptions HostConfig.RestartPolicy is not passed to the engine; the agent restarts modules per the deployment's restartPolicy`);
  }
  return {
    name: spec.name,
    body: { ...body, Image: spec.image, Env: Object.entries(env).map(([name, value]) => `${name}=${value}`), Labels: labels, HostConfig: hostConfig },
    notes,
  };
}

/** The launch env, then createOptions.Env over it (edgelet merge_env), sorted by name. */
function mergedEnv(launch: ModuleLaunch, optionsEnv: unknown): Record<string, string> {
  const merged = new Map(Object.entries(launch.env));
  if (optionsEnv !== undefined) {
    if (!Array.isArray(optionsEnv) || !optionsEnv.every((entry) => typeof entry === 'string')) {
      throw new ModuleBackendError(`module ${launch.spec.name}: createOptions Env must be a list of "NAME=value" strings; fix it in the deployment`, 'create-options');
    }
    for (const entry of optionsEnv) {
      const equals = entry.indexOf('=');
      merged.set(equals === -1 ? entry : entry.slice(0, equals), equals === -1 ? '' : entry.slice(equals + 1));
    }
  }
  return Object.fromEntries([...merged].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The path inside the container that IOTEDGE_WORKLOADURI names, when it is a unix socket. */
function workloadSocketTarget(env: Record<string, string>): string | undefined {
  const uri = env.IOTEDGE_WORKLOADURI;
  return uri?.startsWith('unix:///') ? uri.slice('unix://'.length) : undefined;
}

function dropCapabilities(hostConfig: Record<string, unknown>, module: string): void {
  const named = (list: unknown): string[] => (Array.isArray(list) ? list.filter((name): name is string => typeof name === 'string').map(normalCapability) : []);
  const added = named(memberOf(hostConfig, '', 'CapAdd')?.value);
  const dropped = named(memberOf(hostConfig, '', 'CapDrop')?.value);
  for (const capability of DROPPED_CAPABILITIES) {
    if (!added.includes(capability) && !dropped.includes(capability)) appendTo(hostConfig, 'CapDrop', capability, module);
  }
}

/** Docker takes "CHOWN" and "CAP_CHOWN" alike. */
function normalCapability(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
}

/** Removes every case variant of `name` from `object`, returning the value Docker would read. */
function takeMember(object: Record<string, unknown>, name: string): unknown {
  const member = memberOf(object, '', name);
  for (const key of Object.keys(object)) if (key.toLowerCase() === name.toLowerCase()) delete object[key];
  return member?.value;
}

function objectMember(object: Record<string, unknown>, name: string, module: string): Record<string, unknown> {
  const value = takeMember(object, name);
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw new ModuleBackendError(`module ${module}: createOptions ${name} must be an object; fix it in the deployment`, 'create-options');
  return value;
}

function appendTo(object: Record<string, unknown>, name: string, item: string, module: string): void {
  const value = takeMember(object, name);
  if (value !== undefined && value !== null && !Array.isArray(value)) {
    throw new ModuleBackendError(`module ${module}: createOptions HostConfig.${name} must be a list; fix it in the deployment`, 'create-options');
  }
  object[name] = [...((value as unknown[] | null | undefined) ?? []), item];
}

function stringMap(value: unknown, module: string, name: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value) || !Object.values(value).every((item) => typeof item === 'string')) {
    throw new ModuleBackendError(`module ${module}: createOptions ${name} must map names to strings; fix it in the deployment`, 'create-options');
  }
  return value as Record<string, string>;
}
