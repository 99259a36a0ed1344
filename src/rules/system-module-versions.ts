// edgeAgent and edgeHub are released and tested together, from mcr.microsoft.com: an agent 1.4
// beside a hub 1.5 is a combination nobody tested, and an image from elsewhere may be stale or
// altered (a private mirror is a good reason, but worth a second look).
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { findPlaceholder, holdsPlaceholder } from '../manifest/placeholders.js';
import type { AgentModule } from '../manifest/agent-modules.js';
import { parseImageReference } from '../manifest/docker/image-reference.js';
import type { Rule, RuleReport } from './rule.js';

const OFFICIAL: Record<string, string> = { edgeAgent: 'azureiotedge-agent', edgeHub: 'azureiotedge-hub' };

interface SystemImage {
  module: string;
  image: string;
  pointer: string;
  majorMinor: string | undefined;
}

function systemImage(module: AgentModule): SystemImage | undefined {
  const settings = module.definition.settings;
  if (!isPlainObject(settings) || typeof settings.image !== 'string') return undefined;
  const image = settings.image.trim();
  if (image === '' || findPlaceholder(image) || holdsPlaceholder(image)) return undefined;
  const tag = parseImageReference(image).tag;
  const version = tag ? /^(\d+)\.(\d+)/.exec(tag) : null;
  return { module: module.name, image, pointer: appendPointer(module.pointer, 'settings', 'image'), majorMinor: version ? `${version[1]}.${version[2]}` : undefined };
}

/** mcr.microsoft.com/azureiotedge-hub, or $upstream:<port>/azureiotedge-hub through a parent's API proxy (nested edge). */
function isOfficial(module: string, image: string): boolean {
  const { host, repository } = parseImageReference(image);
  const hostOk = host?.toLowerCase() === 'mcr.microsoft.com' || /^\$upstream(:\d+)?$/.test(host ?? '');
  return hostOk && repository.toLowerCase() === OFFICIAL[module];
}

export const systemModuleVersions: Rule = {
  meta: {
    id: 'system-module-versions',
    defaultSeverity: 'warning',
    description: 'edgeAgent and edgeHub images of different major.minor versions, or system images that do not come from mcr.microsoft.com/azureiotedge-agent and azureiotedge-hub.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/how-to-update-iot-edge (update the edgeAgent and edgeHub images together, to the same version)',
        'https://learn.microsoft.com/azure/iot-edge/version-history (edgeAgent and edgeHub are released together as one runtime version)',
        'https://learn.microsoft.com/azure/iot-edge/how-to-connect-downstream-iot-edge-device ($upstream:443/azureiotedge-agent through the parent\'s API proxy)',
      ],
    },
    messages: {
      mismatch: 'edgeHub runs {{hubVersion}} ("{{hubImage}}") but edgeAgent runs {{agentVersion}} ("{{agentImage}}"); they are released and tested together, so use the same major.minor version on both',
      unofficial: '{{module}} uses "{{image}}", not {{expected}}; if this is a private mirror, make sure it tracks the official image, since a stale or altered runtime image is hard to spot on a device',
    },
  },
  check(manifest) {
    const reports: RuleReport[] = [];
    const images = new Map<string, SystemImage>();
    for (const module of manifest.modules) {
      if (module.kind !== 'system' || !(module.name in OFFICIAL)) continue;
      const found = systemImage(module);
      if (!found) continue;
      images.set(module.name, found);
      if (!isOfficial(module.name, found.image)) {
        reports.push({ messageId: 'unofficial', data: { module: module.name, image: found.image, expected: `mcr.microsoft.com/${OFFICIAL[module.name]}` }, pointer: found.pointer });
      }
    }
    const agent = images.get('edgeAgent');
    const hub = images.get('edgeHub');
    if (agent?.majorMinor && hub?.majorMinor && agent.majorMinor !== hub.majorMinor) {
      reports.push({
        messageId: 'mismatch',
        data: { hubVersion: hub.majorMinor, hubImage: hub.image, agentVersion: agent.majorMinor, agentImage: agent.image },
        pointer: hub.pointer,
      });
    }
    return reports;
  },
};
