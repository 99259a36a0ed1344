// Puts a module's image on the engine per its imagePullPolicy before the container is created.
// on-create pulls only when the image is missing (so a laptop without a registry runs local
// images; edgeAgent pulls on every create), never fails clearly when it is missing. A reference
// without a tag or digest means :latest, as `docker pull` reads it (the API would pull every tag).
import type Docker from 'dockerode';
import { parseImageReference } from '../../../manifest/docker/image-reference.js';
import { ModuleBackendError, type ModuleSpec } from '../agent-types.js';
import { engineReason, statusOf } from './engine-errors.js';

export async function ensureImage(docker: Docker, spec: ModuleSpec): Promise<'present' | 'pulled'> {
  if (await imageExists(docker, spec.image)) return 'present';
  if (spec.imagePullPolicy === 'never') {
    throw new ModuleBackendError(`module ${spec.name}: image ${spec.image} is not on this machine and its imagePullPolicy is never; load it (docker load, podman import) or set imagePullPolicy to on-create`, 'image-missing');
  }
  try {
    await pull(docker, pullReference(spec.image));
  } catch (error) {
    throw new ModuleBackendError(`module ${spec.name}: cannot pull image ${spec.image} (${engineReason(error)}); check the image name and that its registry is reachable, or put the image on this machine and set imagePullPolicy to never`, 'image-pull');
  }
  return 'pulled';
}

export function pullReference(image: string): string {
  const reference = parseImageReference(image);
  return reference.tag === undefined && reference.digest === undefined ? `${image}:latest` : image;
}

async function imageExists(docker: Docker, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (error) {
    if (statusOf(error) === 404) return false;
    throw new ModuleBackendError(`cannot inspect image ${image}: ${engineReason(error)}`, 'engine');
  }
}

/** The engine reports a failed pull inside the progress stream, not as an HTTP status. */
async function pull(docker: Docker, reference: string): Promise<void> {
  const stream = await docker.pull(reference);
  const events = await new Promise<unknown[]>((resolve, reject) => {
    docker.modem.followProgress(stream, (error: Error | null, output: unknown[]) => (error ? reject(error) : resolve(output)));
  });
  const failed = events.find((event): event is { error: string } => typeof (event as { error?: unknown }).error === 'string');
  if (failed) throw new Error(failed.error);
}
