// The edits `edgewise offline enable` makes, as edits of the normalized manifest (FixEdit, the
// shape lint fixes use), so apply-fixes.ts writes them keeping key order, indentation and YAML
// comments, and re-chunks a string createOptions. Only what differs is edited, so a second run
// changes nothing. The settings come from the offline-capabilities doc (seed):
// - UpstreamProtocol on edgeHub AND edgeAgent (FACTS.md §2: both read it; Mqtt for long offline periods);
// - $edgeHub storeAndForwardConfiguration.timeToLiveSecs (FACTS.md §3; 7200 s documented default);
// - storageFolder env plus a HostConfig.Binds entry host:container for edgeHub (and edgeAgent
//   when asked), since without the bind stored messages are lost when the container is recreated.
import type { AgentModule } from '../manifest/agent-modules.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf, findEnv, listRoutes } from '../manifest/manifest-views.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { memberOf } from '../manifest/case-insensitive-member.js';
import { isAbsolutePath, isVolumeName } from '../manifest/docker/bind-syntax.js';
import { listMounts, type MountEntry } from '../manifest/docker/mounts.js';
import { DEFAULT_HOST_FOLDER, mountPersisting, runtimeModules, storageFolderOf, type RuntimeModuleName } from '../manifest/docker/storage-folder.js';
import { canRewrite, createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import type { FixEdit } from '../findings.js';
import { canonicalProtocol } from '../manifest/upstream-protocols.js';

export type UpstreamProtocol = 'Mqtt' | 'MqttWs' | 'Amqp' | 'AmqpWs';

export const DEFAULT_PROTOCOL: UpstreamProtocol = 'Mqtt';
/** The documented default TTL (learn.microsoft.com offline-capabilities), set when none is. */
export const DEFAULT_TTL_SECS = 7200;
/** Where the offline-capabilities doc and templates/offline.json mount storage inside the container. */
export const DEFAULT_MODULE_PATH = '/iotedge/storage';

export interface OfflineSettings {
  /** Global TTL in seconds; by default the existing one is kept, or 7200 is set when there is none. */
  ttl?: number;
  protocol?: UpstreamProtocol;
  /** edgeHub host folder; by default an existing mount is kept, or /srv/iotedge/edgehub is bound. */
  hostPath?: string;
  /** Folder inside the containers; by default the existing storageFolder, or /iotedge/storage. */
  modulePath?: string;
  /** edgeAgent host folder: when given, edgeAgent gets storageFolder and a bind too. */
  agentHostPath?: string;
}

export interface OfflineEdits {
  edits: FixEdit[];
  /** What changes, one line each. */
  changes: string[];
  /** What the user should know and was left alone. */
  notes: string[];
}

/** The manifest cannot be edited safely (not a full manifest, broken createOptions…). */
export class OfflineEditError extends Error {
  override name = 'OfflineEditError';
}

export function validateStoragePath(option: string, path: string, allowVolume: boolean): void {
  if (isAbsolutePath(path) && path !== '/') return;
  if (allowVolume && isVolumeName(path)) return;
  throw new OfflineEditError(`${option} ${path}: use an absolute folder such as /srv/iotedge/edgehub${allowVolume ? ' (or a Docker volume name)' : ''}`);
}

export function offlineEdits(manifest: NormalizedManifest, settings: OfflineSettings): OfflineEdits {
  const protocol = settings.protocol ?? DEFAULT_PROTOCOL;
  if (settings.modulePath !== undefined) validateStoragePath('--module-path', settings.modulePath, false);
  if (settings.hostPath !== undefined) validateStoragePath('--host-path', settings.hostPath, true);
  if (settings.agentHostPath !== undefined) validateStoragePath('--agent-host-path', settings.agentHostPath, true);
  const result: OfflineEdits = { edits: [], changes: [], notes: [] };
  const modules = new Map(runtimeModules(manifest).map((entry) => [entry.name, entry.module]));
  const hub = modules.get('edgeHub');
  const agent = modules.get('edgeAgent');
  if (!hub || !agent) {
    throw new OfflineEditError(`the manifest has no ${!hub ? 'edgeHub' : 'edgeAgent'} under $edgeAgent properties.desired.systemModules; offline enable needs a full deployment manifest (not a layered one)`);
  }
  for (const [name, module] of [['edgeHub', hub], ['edgeAgent', agent]] as const) {
    const envAdditions: Record<string, unknown> = {};
    setProtocol(name, module, protocol, envAdditions, result);
    if (name === 'edgeHub' || settings.agentHostPath !== undefined) {
      const host = name === 'edgeHub' ? settings.hostPath : settings.agentHostPath;
      setStorage(manifest, name, module, settings.modulePath, host, envAdditions, result);
    }
    addEnv(module, envAdditions, result);
  }
  setTtl(manifest, settings.ttl, result);
  return result;
}

function setProtocol(name: RuntimeModuleName, module: AgentModule, protocol: UpstreamProtocol, additions: Record<string, unknown>, result: OfflineEdits): void {
  const env = findEnv(module.definition, module.pointer, 'UpstreamProtocol');
  if (!env) {
    additions.UpstreamProtocol = { value: protocol };
    result.changes.push(`${name}: UpstreamProtocol set to ${protocol}`);
  } else if (canonicalProtocol(env.value) !== protocol) {
    result.edits.push({ op: 'set', pointer: appendPointer(env.pointer, 'value'), value: protocol });
    result.changes.push(`${name}: UpstreamProtocol changed from ${String(env.value)} to ${protocol}`);
  }
}

/** New env entries go in with one edit per module, creating `env` when there is none. */
function addEnv(module: AgentModule, additions: Record<string, unknown>, result: OfflineEdits): void {
  if (Object.keys(additions).length === 0) return;
  const env = module.definition.env;
  if (env === undefined) {
    result.edits.push({ op: 'set', pointer: appendPointer(module.pointer, 'env'), value: additions });
    return;
  }
  if (!isPlainObject(env)) throw new OfflineEditError(`${module.name}'s env is not an object; fix it first (edgewise lint shows where)`);
  for (const [key, value] of Object.entries(additions)) result.edits.push({ op: 'set', pointer: appendPointer(module.pointer, 'env', key), value });
}

function setStorage(manifest: NormalizedManifest, name: RuntimeModuleName, module: AgentModule, wantedFolder: string | undefined, explicitHost: string | undefined, additions: Record<string, unknown>, result: OfflineEdits): void {
  const options = createOptionsOf(manifest, module);
  if (options && !canRewrite(manifest, options)) {
    throw new OfflineEditError(`${name}'s createOptions cannot be rewritten (they are not valid JSON, or their chunks have a gap); fix them first (edgewise lint shows where)`);
  }
  const existing = storageFolderOf(manifest, module);
  const folder = wantedFolder ?? existing?.value ?? DEFAULT_MODULE_PATH;
  if (!existing) {
    additions.storageFolder = { value: folder };
    result.changes.push(`${name}: storageFolder set to ${folder}`);
  } else if (existing.value !== folder) {
    // Set either as env (`{"value": …}`) or as a createOptions Env item ("StorageFolder=…").
    const inCreateOptions = options !== undefined && existing.pointer.startsWith(`${options.pointer}/`);
    result.edits.push({ op: 'set', pointer: existing.pointer, value: inCreateOptions ? `StorageFolder=${folder}` : folder });
    result.changes.push(`${name}: storageFolder changed from ${existing.value} to ${folder}`);
  }

  const mount = mountPersisting(folder, name, listMounts(hostConfigOf(options)));
  const host = explicitHost ?? DEFAULT_HOST_FOLDER[name];
  if (mount && (explicitHost === undefined || mount.source === explicitHost)) {
    if (explicitHost === undefined && mount.source !== host && !mount.placeholder) result.notes.push(`${name}: storage stays mounted from ${mount.source}; pass --${name === 'edgeHub' ? 'host-path' : 'agent-host-path'} to move it`);
    return;
  }
  if (mount && exactMount(folder, [mount])) {
    // The folder is mounted from elsewhere: point that mount at the new host folder.
    const mode = mount.from === 'Binds' && mount.bind?.mode ? `:${mount.bind.mode.text}` : '';
    result.edits.push({ op: 'set', pointer: mount.pointer, value: mount.from === 'Binds' ? `${host}:${mount.target}${mode}` : host });
    result.changes.push(`${name}: storage mount moved from ${mount.source} to ${host}`);
    return;
  }
  const bind = `${host}:${folder}`;
  result.edits.push(addBindEdit(manifest, name, module, bind));
  result.changes.push(`${name}: HostConfig.Binds gets "${bind}"${options?.value && Object.keys(options.value).length > 0 ? ' (the other createOptions are kept)' : ''}`);
}

/** The mount whose container path is exactly `folder`. */
function exactMount(folder: string, mounts: readonly MountEntry[]): MountEntry | undefined {
  const trim = (path: string) => path.replace(/\/+$/, '') || '/';
  return mounts.find((mount) => mount.target !== undefined && mount.type !== 'other' && trim(mount.target) === trim(folder));
}

function addBindEdit(manifest: NormalizedManifest, name: RuntimeModuleName, module: AgentModule, bind: string): FixEdit {
  const options = createOptionsOf(manifest, module);
  if (!options) {
    if (!isPlainObject(module.definition.settings)) throw new OfflineEditError(`${name} has no settings object to hold createOptions; fix it first (edgewise lint shows where)`);
    const created = { HostConfig: { Binds: [bind] } };
    return { op: 'set', pointer: appendPointer(module.pointer, 'settings', 'createOptions'), value: manifest.flavour === 'template' ? created : JSON.stringify(created) };
  }
  const hostConfig = hostConfigOf(options);
  if (!hostConfig) return { op: 'set', pointer: appendPointer(options.pointer, 'HostConfig'), value: { Binds: [bind] } };
  if (!isPlainObject(hostConfig.value)) throw new OfflineEditError(`${name}'s createOptions HostConfig is not an object; fix it first (edgewise lint shows where)`);
  const binds = memberOf(hostConfig.value, hostConfig.pointer, 'Binds');
  if (!binds) return { op: 'set', pointer: appendPointer(hostConfig.pointer, 'Binds'), value: [bind] };
  if (!Array.isArray(binds.value)) throw new OfflineEditError(`${name}'s createOptions HostConfig.Binds is not a list; fix it first (edgewise lint shows where)`);
  return { op: 'set', pointer: appendPointer(binds.pointer, '-'), value: bind };
}

function setTtl(manifest: NormalizedManifest, ttl: number | undefined, result: OfflineEdits): void {
  const desired = desiredOf(manifest, '$edgeHub');
  if (!desired) throw new OfflineEditError('the manifest has no $edgeHub properties.desired; offline enable needs a full deployment manifest (not a layered one)');
  const config = desired.value.storeAndForwardConfiguration;
  const current = isPlainObject(config) && typeof config.timeToLiveSecs === 'number' ? config.timeToLiveSecs : undefined;
  const target = ttl ?? current ?? DEFAULT_TTL_SECS;
  if (current !== target) {
    if (isPlainObject(config)) result.edits.push({ op: 'set', pointer: appendPointer(desired.pointer, 'storeAndForwardConfiguration', 'timeToLiveSecs'), value: target });
    else if (config === undefined) result.edits.push({ op: 'set', pointer: appendPointer(desired.pointer, 'storeAndForwardConfiguration'), value: { timeToLiveSecs: target } });
    else throw new OfflineEditError('$edgeHub storeAndForwardConfiguration is not an object; fix it first (edgewise lint shows where)');
    result.changes.push(`$edgeHub: storeAndForwardConfiguration.timeToLiveSecs ${current === undefined ? 'set to' : `changed from ${current} to`} ${target}`);
  }
  for (const route of listRoutes(manifest)) {
    if (route.timeToLiveSecs !== undefined && route.timeToLiveSecs > 0 && route.timeToLiveSecs !== target) {
      result.notes.push(`route "${route.name}" keeps its own timeToLiveSecs of ${route.timeToLiveSecs} s, which overrides the global ${target} s for its messages; set it to 0 to inherit the global value`);
    }
  }
}
