// Splits a container image reference into registry host, repository, tag and digest, the way
// Docker does (distribution/reference splitDockerDomain): the first path component is a
// registry host only if it holds a `.` or `:`, is `localhost`, or has an uppercase letter;
// otherwise the image comes from Docker Hub. `$upstream:443/…` (nested edge) is a host too.

export interface ImageReference {
  /** The registry host as written, or undefined for Docker Hub images such as `mongo:4`. */
  host: string | undefined;
  /** The path after the host, e.g. `azureiotedge-hub` or `library/mongo`. */
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export const DOCKER_HUB_HOSTS = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export function parseImageReference(image: string): ImageReference {
  const at = image.indexOf('@');
  const name = at === -1 ? image : image.slice(0, at);
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const slash = name.indexOf('/');
  const first = slash === -1 ? '' : name.slice(0, slash);
  const isHost = slash !== -1 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const rest = isHost ? name.slice(slash + 1) : name;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.indexOf(':', lastSlash + 1);
  return {
    host: isHost ? first : undefined,
    repository: colon === -1 ? rest : rest.slice(0, colon),
    tag: colon === -1 ? undefined : rest.slice(colon + 1),
    digest,
  };
}

/** A registry address as registryCredentials may write it (`https://MyAcr.azurecr.io/`), reduced to its host. */
export function normalizeRegistryAddress(address: string): string {
  return address
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
}
