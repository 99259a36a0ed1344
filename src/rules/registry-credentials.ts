// An image that no registryCredentials entry covers: edgeAgent pulls it without credentials,
// which works only if the registry allows anonymous pulls ("unauthorized" in the edgeAgent log
// otherwise). mcr.microsoft.com, marketplace.azurecr.io and Docker Hub's official images serve
// anyone, so they need nothing. Whether any other registry or Docker Hub repository is public
// cannot be seen in the manifest, so the finding is an `info`, never an error or a warning.
// edgeAgent picks the credential whose `address` is the image's registry (iotedge edgeAgent
// DockerUtil.FirstAuthConfig; Docker Hub repositories such as grafana/grafana are matched
// against https://index.docker.io/v1/). Images and addresses that hold a placeholder are
// filled in later and could match anything.
import { appendPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredOf } from '../manifest/manifest-views.js';
import { holdsPlaceholder } from '../manifest/placeholders.js';
import { DOCKER_HUB_HOSTS, normalizeRegistryAddress, parseImageReference, type ImageReference } from '../manifest/docker/image-reference.js';
import type { Rule, RuleReport } from './rule.js';

/** Registries that serve every image without credentials. */
const ANONYMOUS_REGISTRIES = new Set(['mcr.microsoft.com', 'marketplace.azurecr.io']);
/** The address edgeAgent matches Docker Hub images without a registry host against (iotedge Constants.DefaultRegistryAddress). */
const DOCKER_HUB_ADDRESS = 'https://index.docker.io/v1/';

/** Normalized credential addresses, or undefined when one is a placeholder and could match anything. */
function credentialAddresses(desired: Record<string, unknown>): Set<string> | undefined {
  const runtime = desired.runtime;
  const settings = isPlainObject(runtime) ? runtime.settings : undefined;
  const credentials = isPlainObject(settings) ? settings.registryCredentials : undefined;
  const addresses = new Set<string>();
  if (!isPlainObject(credentials)) return addresses;
  for (const credential of Object.values(credentials)) {
    if (!isPlainObject(credential) || typeof credential.address !== 'string') continue;
    if (holdsPlaceholder(credential.address)) return undefined;
    addresses.add(normalizeRegistryAddress(credential.address));
  }
  return addresses;
}

/** `redis:7`, `library/redis`, `docker.io/library/redis`: Docker Hub's official images. */
function isDockerHubOfficial({ host, repository }: ImageReference): boolean {
  return isDockerHub(host) && (!repository.includes('/') || repository.startsWith('library/'));
}

function isDockerHub(host: string | undefined): boolean {
  return host === undefined || DOCKER_HUB_HOSTS.has(host.toLowerCase());
}

export const registryCredentials: Rule = {
  meta: {
    id: 'registry-credentials',
    defaultSeverity: 'info',
    description:
      'An image that no runtime.settings.registryCredentials entry covers, from a registry the manifest cannot show to allow anonymous pulls; if it is private, edgeAgent\'s pull fails.',
    fixable: false,
    docs: {
      sources: [
        'https://learn.microsoft.com/azure/iot-edge/module-edgeagent-edgehub (runtime.settings.registryCredentials.{name}.address: the registry address)',
        'https://learn.microsoft.com/azure/iot-edge/production-checklist (use a private registry and give its credentials in the deployment)',
        'Azure/iotedge edgeAgent DockerUtil.cs: the credential is the first whose address equals the image\'s registry (case aside); Docker Hub repositories are matched against https://index.docker.io/v1/',
        'Docker distribution/reference splitDockerDomain: an image without a registry host comes from docker.io; official images live under library/',
      ],
    },
    messages: {
      missing:
        'image "{{image}}" comes from {{host}}, and no runtime.settings.registryCredentials entry has that address, so edgeAgent pulls it without credentials; that works only if {{host}} allows anonymous pulls, which the manifest cannot show. If it is private, add a credential with "address": "{{host}}"',
      dockerHub:
        'image "{{image}}" comes from the Docker Hub repository {{repository}}, and no registry credential has a Docker Hub address, so edgeAgent pulls it without credentials; that works only if the repository is public, which the manifest cannot show. If it is private, add a credential with "address": "{{address}}"',
    },
  },
  check(manifest) {
    // Credentials live in $edgeAgent's full desired properties; a layer (flattened keys) relies on the base deployment's.
    const desired = desiredOf(manifest, '$edgeAgent');
    if (!desired) return [];
    const addresses = credentialAddresses(desired.value);
    if (!addresses) return [];
    const dockerHubCovered = [...addresses].some((address) => DOCKER_HUB_HOSTS.has(address));
    const reports: RuleReport[] = [];
    for (const module of manifest.modules) {
      const settings = module.definition.settings;
      if (!isPlainObject(settings) || typeof settings.image !== 'string') continue;
      const image = settings.image.trim();
      if (image === '' || holdsPlaceholder(image)) continue;
      const reference = parseImageReference(image);
      const { host, repository } = reference;
      // `$upstream:443` is the parent's API proxy (nested edge), which often serves public
      // images without credentials, so only the parent knows.
      if (host?.startsWith('$upstream') || isDockerHubOfficial(reference)) continue;
      const pointer = appendPointer(module.pointer, 'settings', 'image');
      if (host === undefined || isDockerHub(host)) {
        if (!dockerHubCovered) reports.push({ messageId: 'dockerHub', data: { image, repository, address: host ?? DOCKER_HUB_ADDRESS }, pointer });
        continue;
      }
      const normalized = host.toLowerCase();
      if (ANONYMOUS_REGISTRIES.has(normalized) || addresses.has(normalized)) continue;
      reports.push({ messageId: 'missing', data: { image, host }, pointer });
    }
    return reports;
  },
};
