// Where the Docker Engine API is: `--docker-host`, else DOCKER_HOST, else the socket Docker
// itself listens on. Written as the docker CLI takes it: unix:///path or tcp://host:port (plain
// HTTP; TLS and ssh:// need client certificates or keys this agent does not manage).
import { InputError } from '../../../errors.js';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';
/** What `podman system service` serves when started as root (.ci/podman-setup.sh starts it there). */
export const PODMAN_ROOT_HOST = 'unix:///run/podman/podman.sock';

export type DockerEndpoint = { kind: 'unix'; socketPath: string } | { kind: 'tcp'; host: string; port: number };

export function resolveDockerHost(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env.DOCKER_HOST;
  return chosen === undefined || chosen.trim() === '' ? DEFAULT_DOCKER_HOST : chosen.trim();
}

export function parseDockerHost(host: string): DockerEndpoint {
  if (host.startsWith('unix://')) {
    const socketPath = host.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new InputError(`docker host ${host} names no absolute socket path; write it as unix:///path/to/docker.sock`, 'docker-host');
    return { kind: 'unix', socketPath };
  }
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(host);
  if (tcp) {
    const port = Number(tcp[2]);
    if (port < 1 || port > 65535) throw new InputError(`docker host ${host} has no valid port; write it as tcp://host:2375`, 'docker-host');
    return { kind: 'tcp', host: tcp[1]!.replace(/^\[|\]$/g, ''), port };
  }
  throw new InputError(`docker host ${host} is not supported; use unix:///path/to/docker.sock (for podman: ${PODMAN_ROOT_HOST}) or tcp://host:port`, 'docker-host');
}
