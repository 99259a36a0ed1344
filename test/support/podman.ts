// Finds the container engine the docker backend tests run against: podman's Docker-compatible
// service, installed and started by .ci/podman-setup.sh (or any engine DOCKER_HOST names), with
// the local image localhost/busybox:edgewise. When either is missing the tests skip and say why.
import { request } from 'node:http';

export const TEST_IMAGE = 'localhost/busybox:edgewise';
const PODMAN_HOST = 'unix:///run/podman/podman.sock';
const SETUP_HINT = 'run `bash .ci/podman-setup.sh` as root to install podman, start its API service and import the image';

export type TestEngine = { available: true; host: string } | { available: false; reason: string };

export async function findTestEngine(): Promise<TestEngine> {
  const host = process.env.DOCKER_HOST?.trim() || PODMAN_HOST;
  if (!host.startsWith('unix://')) return { available: false, reason: `DOCKER_HOST=${host} is not a unix socket; these tests talk to a local engine` };
  const socketPath = host.slice('unix://'.length);
  const ping = await get(socketPath, '/_ping');
  if (ping.status !== 200) return { available: false, reason: `no container engine answers at ${host} (${ping.error ?? `HTTP ${ping.status}`}); ${SETUP_HINT}` };
  const image = await get(socketPath, `/images/${encodeURIComponent(TEST_IMAGE)}/json`);
  if (image.status !== 200) return { available: false, reason: `the engine at ${host} has no image ${TEST_IMAGE} (${image.error ?? `HTTP ${image.status}`}); ${SETUP_HINT}` };
  return { available: true, host };
}

/** Prints why a test file is skipped: vitest's own skip line does not say. */
export function reportSkip(file: string, engine: TestEngine): void {
  if (!engine.available) console.log(`${file}: skipped, ${engine.reason}`);
}

function get(socketPath: string, path: string): Promise<{ status?: number; error?: string }> {
  return new Promise((resolve) => {
    const sent = request({ socketPath, path, method: 'GET', timeout: 5_000 }, (response) => {
      response.resume();
      resolve({ status: response.statusCode });
    });
    sent.on('timeout', () => sent.destroy(new Error('no answer within 5 s')));
    sent.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    sent.end();
  });
}
