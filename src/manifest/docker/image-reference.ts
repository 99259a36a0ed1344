// Splits a container image reference into registry host, repository, tag and digest, the way
// Docker does (distribution/reference splitDockerDomain): the first path component is a
// registry host only if it holds a `.` or `:`, is `localhost`, or has an uppercase letter;
// otherwise the image comes from Docker Hub. `$upstream:443/…` (nested edge) is a host too, and
// so is a first component that is a placeholder (`$(registry)/app`, `{{acr}}/app`): pipelines
// put the registry there, and a Docker Hub namespace is never a variable.
import { findPlaceholders, holdsPlaceholder } from '../placeholders.js';

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
  // Separators inside a placeholder (`${MODULEDIR<./filter>.debug}`) are not the image's own.
  const plain = withoutPlaceholders(image);
  const at = plain.indexOf('@');
  const end = at === -1 ? image.length : at;
  const digest = at === -1 ? undefined : image.slice(at + 1);
  const plainName = plain.slice(0, end);
  const slash = plainName.indexOf('/');
  const first = slash === -1 ? '' : image.slice(0, slash);
  const isHost = slash !== -1 && (/[.:]/.test(plainName.slice(0, slash)) || first === 'localhost' || first !== first.toLowerCase() || holdsPlaceholder(first));
  const start = isHost ? slash + 1 : 0;
  const colon = plainName.indexOf(':', Math.max(start, plainName.lastIndexOf('/') + 1));
  return {
    host: isHost ? first : undefined,
    repository: image.slice(start, colon === -1 ? end : colon),
    tag: colon === -1 ? undefined : image.slice(colon + 1, end),
    digest,
  };
}

/** The image with each placeholder's characters replaced by `_`, so offsets stay the same. */
function withoutPlaceholders(image: string): string {
  let plain = image;
  for (const { offset, text } of findPlaceholders(image)) plain = plain.slice(0, offset) + '_'.repeat(text.length) + plain.slice(offset + text.length);
  return plain;
}

/** A registry address as registryCredentials may write it (`https://MyAcr.azurecr.io/`), reduced to its host. */
export function normalizeRegistryAddress(address: string): string {
  return address
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .split('/')[0]!
    .toLowerCase();
}
