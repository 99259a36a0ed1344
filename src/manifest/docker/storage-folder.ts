// Where edgeHub and edgeAgent keep their state, and which mount persists it.
// Facts (FACTS.md §2; iotedge hubStart.sh, agentStart.sh): the env var StorageFolder is matched
// without regard to case (also when set through createOptions Env); the default is the
// container's /tmp, lost when the container is recreated; edgeHub writes <StorageFolder>/edgeHub
// and edgeAgent <StorageFolder>/edgeAgent.
import type { AgentModule } from '../agent-modules.js';
import { appendPointer } from '../json-pointer.js';
import { findEnv } from '../manifest-views.js';
import type { NormalizedManifest } from '../normalize-manifest.js';
import { memberOf } from '../case-insensitive-member.js';
import { isWindowsPath } from './bind-syntax.js';
import type { MountEntry } from './mounts.js';
import { createOptionsOf } from './module-create-options.js';

export type RuntimeModuleName = 'edgeHub' | 'edgeAgent';

/** Host folders the storage-folder-bind fix proposes (the layout of templates/offline.json). */
export const DEFAULT_HOST_FOLDER: Readonly<Record<RuntimeModuleName, string>> = {
  edgeHub: '/srv/iotedge/edgehub',
  edgeAgent: '/srv/iotedge/edgeagent',
};

export interface RuntimeModule {
  name: RuntimeModuleName;
  module: AgentModule;
}

export function runtimeModules(manifest: NormalizedManifest): RuntimeModule[] {
  const found: RuntimeModule[] = [];
  for (const module of manifest.modules) {
    if (module.kind === 'system' && (module.name === 'edgeHub' || module.name === 'edgeAgent')) found.push({ name: module.name, module });
  }
  return found;
}

export interface StorageFolderSetting {
  value: string;
  /** The env entry's value, or the createOptions Env item. */
  pointer: string;
}

export function storageFolderOf(manifest: NormalizedManifest, module: AgentModule): StorageFolderSetting | undefined {
  const env = findEnv(module.definition, module.pointer, 'StorageFolder');
  if (env) return typeof env.value === 'string' ? { value: env.value, pointer: appendPointer(env.pointer, 'value') } : undefined;
  const options = createOptionsOf(manifest, module);
  const list = options?.value ? memberOf(options.value, options.pointer, 'Env') : undefined;
  if (!list || !Array.isArray(list.value)) return undefined;
  const index = list.value.findIndex((entry: unknown) => typeof entry === 'string' && /^storagefolder=/i.test(entry));
  if (index === -1) return undefined;
  const entry = list.value[index] as string;
  return { value: entry.slice(entry.indexOf('=') + 1), pointer: appendPointer(list.pointer, index) };
}

function normalizePath(path: string): string {
  const windows = isWindowsPath(path);
  const slashes = windows ? path.replace(/\\/g, '/').toLowerCase() : path;
  return slashes.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
}

/** The mount that persists this module's data: at the folder, above it, or at <folder>/<module>. */
export function mountPersisting(folder: string, name: RuntimeModuleName, mounts: readonly MountEntry[]): MountEntry | undefined {
  const wanted = normalizePath(folder);
  const dataFolder = normalizePath(`${folder}/${name}`);
  return mounts.find((mount) => {
    if (mount.type === 'other' || mount.target === undefined) return false;
    const target = normalizePath(mount.target);
    return target === wanted || target === dataFolder || wanted.startsWith(target === '/' ? '/' : target + '/');
  });
}
