// An image from a private registry without matching registryCredentials: edgeAgent pulls it
// anonymously and the registry refuses, so the module never starts ("unauthorized" in the
// edgeAgent log). mcr.microsoft.com and Docker Hub serve public images without credentials.
// edgeAgent picks the credential whose `address` is the image's registry host.
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf } from '../manifest/manifest-views.js';
import { findPlaceholder, holdsPlaceholder } from '../manifest/placeholders.js';
import { DOCKER_HUB_HOSTS, normalizeRegistryAddress, parseImageReference } from './image-reference.js';
import type { Rule, RuleReport } from './rule.js';

const PUBLIC_REGISTRIES = new Set(['mcr.microsoft.com', ...DOCKER_HUB_HOSTS]);

function isPlaceholder(text: string): boolean {
  return findPlaceholder(text) !== undefined || holdsPlaceholder(text);
}

/** Normalized credential addresses, or undefined when one is a placeholder and could match anything. */
function credentialAddresses(desired: Record<string, unknown>): Set<string> | undefined {
  const runtime = desired.runtime;
  const settings = isPlainObject(runtime) ? runtime.settings : undefined;
  const credentials = isPlainObject(settings) ? settings.registryCredentials : undefined;
  const addresses = new Set<string>();
  if (!isPlainObject(credentials)) return addresses;
  for (const credential of Object.values(credentials)) {
    if (!isPlainObject(credential) || typeof credential.address !== 'string') continue;
    if (isPlaceholder(credential.address)) return undefined;
    addresses.add(normalizeRegistryAddress(credential.address));
  }
  return addresses;
}

export const registryCredentials: Rule = {
  meta: {
    id: 'registry-credentials',
    defaultSeverity: 'warning',
    description: 'An image from a private registry that no runtime.settings.registryCredentials entry covers, so edgeAgent pulls it anonymously and the pull fails.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-edgeagent-edgehub (runtime.settings.registryCredentials.{name}.address: the registry address)',
        'https://learn.microsoft.com/azure/iot-edge/production-checklist (use a private registry and give its credentials in the deployment)',
        'Docker distribution/reference splitDockerDomain: an image without a registry host comes from docker.io',
      ],
    },
    messages: {
      missing: 'image "{{image}}" comes from the registry {{host}}, but no runtime.settings.registryCredentials entry has that address, so edgeAgent pulls it anonymously and a private registry refuses it; add a credential with "address": "{{host}}" (or ignore this if the registry allows anonymous pulls)',
    },
  },
  check(manifest) {
    // Credentials live in $edgeAgent's full desired properties; a layer (flattened keys) relies on the base deployment's.
    const desired = desiredOf(manifest, '$edgeAgent');
    if (!desired) return [];
    const addresses = credentialAddresses(desired.value);
    if (!addresses) return [];
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const settings = module.definition.settings;
      if (!isPlainObject(settings) || typeof settings.image !== 'string') continue;
      const image = settings.image.trim();
      if (image === '' || isPlaceholder(image)) continue;
      const { host } = parseImageReference(image);
      // No host is Docker Hub; `$upstream:443` is the parent's API proxy (nested edge), which
      // often serves public images without credentials, so only the parent knows.
      if (host === undefined || host.startsWith('$upstream')) continue;
      const normalized = host.toLowerCase();
      if (PUBLIC_REGISTRIES.has(normalized) || addresses.has(normalized)) continue;
      reports.push({ messageId: 'missing', data: { image, host }, pointer: appendPointer(module.pointer, 'settings', 'image') });
    }
    return reports;
  },
};
