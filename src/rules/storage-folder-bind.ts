// edgeHub and edgeAgent keep their state under StorageFolder (default: /tmp in the container).
// Without a mount there, edgeHub's stored messages and edgeAgent's state are lost whenever the
// container is recreated (new image, new createOptions); a storage mount with no StorageFolder
// holds nothing. Facts: edge-storage-folder.ts; correct setup: templates/offline.json. Mounts are
// HostConfig's, and the k8s-experimental volume mounts of IoT Edge on Kubernetes (docker-mounts.ts).
import type { AgentModule } from '../manifest/agent-modules.js';
import type { JoinedCreateOptions } from '../manifest/docker/join-create-options.js';
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { memberOf, type Member } from '../manifest/case-insensitive-member.js';
import { listKubernetesMounts, listMounts, type MountEntry } from '../manifest/docker/mounts.js';
import { DEFAULT_HOST_FOLDER, mountPersisting, runtimeModules, storageFolderOf, type RuntimeModuleName } from '../manifest/docker/storage-folder.js';
import { canRewrite, createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import type { Fix, Rule, RuleReport } from './rule.js';

const LOST: Record<RuntimeModuleName, string> = {
  edgeHub: 'messages stored offline',
  edgeAgent: 'its saved deployment and module state',
};
const STORAGE_LIKE = /storage|iotedge|data/i;
// Sockets, system folders and certificates are mounted for other reasons.
const NOT_STORAGE = /^\/(var\/run|run|etc|dev|proc|sys)(\/|$)|\.sock$|cert|ssl|tls|secret/i;

/** Adds `bind` to HostConfig.Binds, keeping the rest of createOptions (or creating them). */
function addBind(manifest: NormalizedManifest, module: AgentModule, options: JoinedCreateOptions | undefined, hostConfig: Member | undefined, bind: string): Fix | undefined {
  if (!options) {
    if (!isPlainObject(module.definition.settings)) return undefined;
    const created = { HostConfig: { Binds: [bind] } };
    return { edits: [{ op: 'set', pointer: appendPointer(module.pointer, 'settings', 'createOptions'), value: manifest.flavour === 'template' ? created : JSON.stringify(created) }] };
  }
  if (!canRewrite(manifest, options)) return undefined;
  if (!hostConfig) return { edits: [{ op: 'set', pointer: appendPointer(options.pointer, 'HostConfig'), value: { Binds: [bind] } }] };
  if (!isPlainObject(hostConfig.value)) return undefined;
  const binds = memberOf(hostConfig.value, hostConfig.pointer, 'Binds');
  if (!binds) return { edits: [{ op: 'set', pointer: appendPointer(hostConfig.pointer, 'Binds'), value: [bind] }] };
  return Array.isArray(binds.value) ? { edits: [{ op: 'set', pointer: appendPointer(binds.pointer, '-'), value: bind }] } : undefined;
}

/** A Kubernetes emptyDir mounted where the store is: a mount, but one that keeps nothing. */
function ephemeralMount(folder: string, name: RuntimeModuleName, mounts: readonly MountEntry[]): MountEntry | undefined {
  const ephemeral = mounts.filter((mount) => mount.ephemeral).map((mount) => ({ ...mount, type: 'volume' as const }));
  return mountPersisting(folder, name, ephemeral);
}

function storageLikeMount(mounts: readonly MountEntry[]): MountEntry | undefined {
  return mounts.find((mount) => mount.type !== 'other' && !mount.readOnly && !mount.placeholder && mount.target !== undefined && STORAGE_LIKE.test(mount.target) && !NOT_STORAGE.test(mount.target));
}

export const storageFolderBind: Rule = {
  meta: {
    id: 'storage-folder-bind',
    defaultSeverity: 'error',
    description: 'edgeHub and edgeAgent need a host mount at their StorageFolder, or their state (edgeHub: messages stored offline) is lost when the container is recreated.',
    fixable: true,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/how-to-access-host-storage-from-module (StorageFolder env plus a bind for edgeHub and edgeAgent)',
        'https://learn.microsoft.com/azure/iot-edge/production-checklist (set up host storage for system modules)',
        'iotedge hubStart.sh / agentStart.sh: StorageFolder read case-insensitively; data in <StorageFolder>/edgeHub and <StorageFolder>/edgeAgent, /tmp by default',
        'The fix mounts /srv/iotedge/edgehub (edgeHub) or /srv/iotedge/edgeagent (edgeAgent), as templates/offline.json does',
        'IoT Edge on Kubernetes (Azure/iotedge 1.1-k8s-preview edge-agent: KubernetesExperimentalCreatePodParameters, KubernetesModuleVolumeSpec): createOptions k8s-experimental volumes[].volumeMounts[].mountPath mounts a pod volume',
      ],
    },
    messages: {
      unmounted: '{{module}} sets StorageFolder={{folder}} but no HostConfig.Binds entry mounts it, so {{lost}} are lost when the container is recreated; add "{{host}}:{{folder}}" to HostConfig.Binds (the fix uses the host folder {{host}}) and create that folder on the device',
      ephemeralVolume:
        '{{module}} sets StorageFolder={{folder}} and mounts the Kubernetes emptyDir volume "{{volume}}" there, which lives only as long as the pod, so {{lost}} are lost when the module is redeployed; mount a persistentVolumeClaim (or hostPath) volume at {{folder}} instead',
      unusedMount: '{{module}} mounts {{source}} at {{target}} but sets no StorageFolder, so it keeps its state in /tmp inside the container and the mount stays empty; set the env variable storageFolder to "{{target}}"',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const { name, module } of runtimeModules(manifest)) {
      const options = createOptionsOf(manifest, module);
      if (options && options.value === undefined && !canRewrite(manifest, options)) continue; // broken options: mounts unknown
      const hostConfig = hostConfigOf(options);
      // On IoT Edge on Kubernetes the store is a pod volume mounted through k8s-experimental.
      const mounts = [...listMounts(hostConfig), ...listKubernetesMounts(options)];
      const folder = storageFolderOf(manifest, module);
      if (folder) {
        if (folder.value.trim() === '' || holdsPlaceholder(folder.value)) continue;
        if (mounts.some((mount) => mount.placeholder && (mount.target === undefined || holdsPlaceholder(mount.target)))) continue; // filled in later
        if (mountPersisting(folder.value, name, mounts)) continue;
        const scratch = ephemeralMount(folder.value, name, mounts);
        if (scratch) {
          reports.push({ messageId: 'ephemeralVolume', data: { module: name, folder: folder.value, volume: scratch.source, lost: LOST[name] }, pointer: scratch.pointer, severity: 'error' });
          continue;
        }
        const host = DEFAULT_HOST_FOLDER[name];
        const fix = folder.value.startsWith('/') ? addBind(manifest, module, options, hostConfig, `${host}:${folder.value}`) : undefined;
        reports.push({ messageId: 'unmounted', data: { module: name, folder: folder.value, host, lost: LOST[name] }, pointer: folder.pointer, severity: 'error', fix });
        continue;
      }
      const mount = storageLikeMount(mounts);
      if (!mount || mount.target === undefined) continue;
      const env = module.definition.env;
      const fix: Fix | undefined = env === undefined || isPlainObject(env) ? { edits: [{ op: 'set', pointer: appendPointer(module.pointer, 'env', 'storageFolder'), value: { value: mount.target } }] } : undefined;
      reports.push({ messageId: 'unusedMount', data: { module: name, source: mount.source, target: mount.target }, pointer: mount.pointer, severity: 'warning', fix });
    }
    return reports;
  },
};
