// The mounts of a container: HostConfig.Binds strings and HostConfig.Mounts objects, each with
// the pointer to report at, read with createOptions' case-insensitive keys; and, for IoT Edge on
// Kubernetes, the volume mounts of `k8s-experimental` (listKubernetesMounts).
import { appendPointer } from '../json-pointer.js';
import { isPlainObject } from '../manifest-shape.js';
import { memberOf, type Member } from '../case-insensitive-member.js';
import type { JoinedCreateOptions } from './join-create-options.js';
import { isAbsolutePath, parseBind, type BindSpec } from './bind-syntax.js';
import { holdsPlaceholder } from '../placeholders.js';

export interface MountEntry {
  from: 'Binds' | 'Mounts' | 'k8s-experimental';
  /** The Binds string, the Source of a Mounts entry (falls back to the entry itself), or a k8s mountPath. */
  pointer: string;
  type: 'bind' | 'volume' | 'other';
  /** Host path or volume name (a Kubernetes volume's name). */
  source: string;
  /** Path inside the container. */
  target: string | undefined;
  readOnly: boolean;
  /** Some part is filled in later (${VAR}, <Token>). */
  placeholder: boolean;
  /** The parsed Binds string. */
  bind?: BindSpec;
  /** A Kubernetes emptyDir (type 'other'): it lives only as long as the pod. */
  ephemeral?: boolean;
}

export function listMounts(hostConfig: Member | undefined): MountEntry[] {
  if (!hostConfig) return [];
  return [...listBinds(hostConfig), ...listMountObjects(hostConfig)];
}

function listBinds(hostConfig: Member): MountEntry[] {
  const binds = memberOf(hostConfig.value, hostConfig.pointer, 'Binds');
  if (!binds || !Array.isArray(binds.value)) return [];
  const entries: MountEntry[] = [];
  binds.value.forEach((text: unknown, index) => {
    if (typeof text !== 'string') return; // the schema reports it
    const bind = parseBind(text);
    const mode = bind.mode?.text ?? '';
    entries.push({
      from: 'Binds',
      pointer: appendPointer(binds.pointer, index),
      type: isAbsolutePath(bind.host.text) ? 'bind' : 'volume',
      source: bind.host.text,
      target: bind.container?.text,
      readOnly: mode.split(',').some((option) => option === 'ro' || option.startsWith('ro-') || option === 'rro'),
      placeholder: holdsPlaceholder(text),
      bind,
    });
  });
  return entries;
}

function listMountObjects(hostConfig: Member): MountEntry[] {
  const mounts = memberOf(hostConfig.value, hostConfig.pointer, 'Mounts');
  if (!mounts || !Array.isArray(mounts.value)) return [];
  const entries: MountEntry[] = [];
  mounts.value.forEach((mount: unknown, index) => {
    if (!isPlainObject(mount)) return;
    const pointer = appendPointer(mounts.pointer, index);
    const type = memberOf(mount, pointer, 'Type')?.value;
    const source = memberOf(mount, pointer, 'Source');
    const target = memberOf(mount, pointer, 'Target')?.value;
    const readOnly = memberOf(mount, pointer, 'ReadOnly')?.value;
    const texts = [source?.value, target].filter((value): value is string => typeof value === 'string');
    entries.push({
      from: 'Mounts',
      pointer: source?.pointer ?? pointer,
      type: type === 'bind' || type === 'volume' ? type : 'other',
      source: typeof source?.value === 'string' ? source.value : '',
      target: typeof target === 'string' ? target : undefined,
      readOnly: readOnly === true || (typeof readOnly === 'string' && readOnly.trim().toLowerCase() === 'true'),
      placeholder: texts.some(holdsPlaceholder),
    });
  });
  return entries;
}

/**
 * IoT Edge on Kubernetes (the 1.1-k8s-preview line; Azure Stack Edge) mounts pod volumes from
 * createOptions `k8s-experimental.volumes[]`, each a Kubernetes `volume` with its `volumeMounts`
 * (`name`, `mountPath`, `readOnly`), names read without regard to case. Facts: Azure/iotedge
 * edge-agent Microsoft.Azure.Devices.Edge.Agent.Kubernetes KubernetesExperimentalCreatePodParameters
 * and KubernetesModuleVolumeSpec (removed from master in #6060). Docker ignores the section.
 */
export function listKubernetesMounts(options: JoinedCreateOptions | undefined): MountEntry[] {
  const section = options?.value ? memberOf(options.value, options.pointer, 'k8s-experimental') : undefined;
  const volumes = section ? memberOf(section.value, section.pointer, 'volumes') : undefined;
  if (!volumes || !Array.isArray(volumes.value)) return [];
  const entries: MountEntry[] = [];
  volumes.value.forEach((spec: unknown, index) => {
    const specPointer = appendPointer(volumes.pointer, index);
    const volume = memberOf(spec, specPointer, 'volume')?.value;
    const mounts = memberOf(spec, specPointer, 'volumeMounts');
    if (!mounts || !Array.isArray(mounts.value)) return;
    const kind = kubernetesVolumeKind(volume);
    mounts.value.forEach((mount: unknown, mountIndex) => {
      if (!isPlainObject(mount)) return;
      const pointer = appendPointer(mounts.pointer, mountIndex);
      const path = memberOf(mount, pointer, 'mountPath');
      const name = memberOf(mount, pointer, 'name')?.value;
      const target = typeof path?.value === 'string' ? path.value : undefined;
      const source = kind.hostPath ?? (typeof name === 'string' ? name : '');
      entries.push({
        from: 'k8s-experimental',
        pointer: path?.pointer ?? pointer,
        type: kind.type,
        source,
        target,
        readOnly: memberOf(mount, pointer, 'readOnly')?.value === true,
        placeholder: [source, target].some((text) => text !== undefined && holdsPlaceholder(text)),
        ...(kind.ephemeral ? { ephemeral: true } : {}),
      });
    });
  });
  return entries;
}

/**
 * A hostPath volume is a bind of a host folder; an emptyDir lives only as long as the pod, so it
 * keeps nothing when the module is redeployed ('other'); any other source (persistentVolumeClaim,
 * azureFile, …) is a volume that outlives the pod.
 */
function kubernetesVolumeKind(volume: unknown): { type: MountEntry['type']; hostPath?: string; ephemeral?: boolean } {
  const hostPath = memberOf(volume, '', 'hostPath')?.value;
  if (hostPath !== undefined) {
    const path = memberOf(hostPath, '', 'path')?.value;
    return { type: 'bind', hostPath: typeof path === 'string' ? path : undefined };
  }
  if (memberOf(volume, '', 'emptyDir') !== undefined) return { type: 'other', ephemeral: true };
  return { type: 'volume' };
}
