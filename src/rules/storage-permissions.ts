// The owner edgeHub and edgeAgent expect for a host folder that holds their storage: a folder
// they cannot write is the most reported IoT Edge storage problem (iotedge #882, #2856, #4262,
// #6541, #6741). Facts: before 1.3 both ran as UID 1000; from 1.3 edgeHub runs as
// EDGEHUBUSER_ID (default 13623) and edgeAgent as EDGEAGENTUSER_ID (default 13622)
// (hubStart.sh, agentStart.sh; iotedge PR #4998).
import { findEnv } from '../manifest/manifest-views.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import type { AgentModule } from '../manifest/agent-modules.js';
import { memberOf } from '../manifest/case-insensitive-member.js';
import { isWindowsPath } from '../manifest/docker/bind-syntax.js';
import { listMounts } from '../manifest/docker/mounts.js';
import { mountPersisting, runtimeModules, storageFolderOf, type RuntimeModuleName } from '../manifest/docker/storage-folder.js';
import { imageTag } from './image-tag.js';
import { createOptionsOf, hostConfigOf } from '../manifest/docker/module-create-options.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import type { Rule, RuleReport } from './rule.js';

const LEGACY_UID = '1000';
const CURRENT_UID: Record<RuntimeModuleName, string> = { edgeHub: '13623', edgeAgent: '13622' };
const UID_VARIABLE: Record<RuntimeModuleName, string> = { edgeHub: 'EDGEHUBUSER_ID', edgeAgent: 'EDGEAGENTUSER_ID' };

type Owner = { kind: 'known'; uid: string; reason: string } | { kind: 'unknown'; image: string } | { kind: 'root' };

/** major.minor of an image tag such as 1.4, 1.2.7 or 1.4-linux-amd64; undefined for latest or a placeholder. */
function imageVersion(image: unknown): [number, number] | undefined {
  if (typeof image !== 'string' || holdsPlaceholder(image)) return undefined;
  const match = /^(\d+)\.(\d+)/.exec(imageTag(image) ?? '');
  return match ? [Number(match[1]), Number(match[2])] : undefined;
}

function ownerOf(manifest: NormalizedManifest, name: RuntimeModuleName, module: AgentModule): Owner | undefined {
  const options = createOptionsOf(manifest, module);
  const user = options?.value ? memberOf(options.value, options.pointer, 'User')?.value : undefined;
  if (typeof user === 'string' && user.trim() !== '') {
    // The start scripts switch user only when started as root; a User set here is used as is.
    const uid = user.trim().split(':')[0]!;
    if (uid === '0' || uid === 'root') return { kind: 'root' };
    return /^\d+$/.test(uid) ? { kind: 'known', uid, reason: 'set by createOptions User' } : undefined;
  }
  const variable = findEnv(module.definition, module.pointer, UID_VARIABLE[name]);
  if (variable) {
    const value = String(variable.value ?? '').trim();
    return /^\d+$/.test(value) ? { kind: 'known', uid: value, reason: `set by ${UID_VARIABLE[name]}` } : undefined;
  }
  const settings = module.definition.settings;
  const image = isPlainObject(settings) ? settings.image : undefined;
  const version = imageVersion(image);
  if (!version) return { kind: 'unknown', image: typeof image === 'string' ? image : '(no image)' };
  const [major, minor] = version;
  const legacy = major < 1 || (major === 1 && minor < 3);
  return legacy
    ? { kind: 'known', uid: LEGACY_UID, reason: `image ${major}.${minor}; images before 1.3 run as ${LEGACY_UID}` }
    : { kind: 'known', uid: CURRENT_UID[name], reason: `image ${major}.${minor}; ${UID_VARIABLE[name]} can change it` };
}

export const storagePermissions: Rule = {
  meta: {
    id: 'storage-permissions',
    defaultSeverity: 'info',
    // Every manifest with a storage bind would get this note on every run: it is advice for
    // preparing a device, so it is asked for in .edgewise.yaml rather than repeated unasked.
    optIn: true,
    description: 'Says which user must own the host folder that holds edgeHub or edgeAgent storage, with the command that prepares it (off unless turned on in .edgewise.yaml).',
    fixable: false,
    docs: {
      sources: [
        'iotedge edge-hub/core/src/Microsoft.Azure.Devices.Edge.Hub.Service/hubStart.sh (EDGEHUBUSER_ID, default 13623)',
        'iotedge edge-agent/src/Microsoft.Azure.Devices.Edge.Agent.Service/agentStart.sh (EDGEAGENTUSER_ID, default 13622)',
        'https://github.com/Azure/iotedge/pull/4998 (default UIDs changed from 1000 to 13622 and 13623)',
        'https://learn.microsoft.com/azure/iot-edge/how-to-access-host-storage-from-module (host storage must exist; permissions for system modules)',
      ],
    },
    messages: {
      owner: '{{module}} runs as UID {{uid}} ({{reason}}), so the host folder {{host}} that holds its storage must be writable by that user; prepare it on the device with: sudo mkdir -p {{host}} && sudo chown -R {{uid}} {{host}} && sudo chmod -R 700 {{host}}',
      ownerUnknown: '{{module}} image "{{image}}" has no version to tell which UID it runs as ({{uid}} from 1.3, 1000 before), and the host folder {{host}} that holds its storage must be writable by it; for 1.3 or later run: sudo mkdir -p {{host}} && sudo chown -R {{uid}} {{host}} && sudo chmod -R 700 {{host}} (use 1000 instead of {{uid}} for older images)',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    for (const { name, module } of runtimeModules(manifest)) {
      const folder = storageFolderOf(manifest, module);
      if (!folder || holdsPlaceholder(folder.value)) continue;
      const mount = mountPersisting(folder.value, name, listMounts(hostConfigOf(createOptionsOf(manifest, module))));
      // Only host folders have an owner to fix; Docker creates volumes itself.
      if (!mount || mount.type !== 'bind' || mount.placeholder || isWindowsPath(mount.source)) continue;
      const owner = ownerOf(manifest, name, module);
      if (!owner || owner.kind === 'root') continue;
      const host = mount.source;
      if (owner.kind === 'known') reports.push({ messageId: 'owner', data: { module: name, uid: owner.uid, reason: owner.reason, host }, pointer: mount.pointer });
      else reports.push({ messageId: 'ownerUnknown', data: { module: name, image: owner.image, uid: CURRENT_UID[name], host }, pointer: mount.pointer });
    }
    return reports;
  },
};
