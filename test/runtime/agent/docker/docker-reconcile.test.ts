// The agent's Reconciler driving real containers (podman, from .ci/podman-setup.sh): restarts
// are the agent's, per restartPolicy, and a deployment change removes, recreates and leaves
// alone exactly what it should (container ids tell). Skips, saying why, without an engine.
import type Docker from 'dockerode';
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ModuleLaunch, ModuleRuntime, ModuleSpec } from '../../../../src/runtime/agent/agent-types.js';
import { deploymentFromDesired } from '../../../../src/runtime/agent/deployment.js';
import { openDockerBackend, type DockerBackend } from '../../../../src/runtime/agent/docker/docker-backend.js';
import { Reconciler } from '../../../../src/runtime/agent/reconciler.js';
import { findTestEngine, reportSkip, TEST_IMAGE } from '../../../support/podman.js';
import { engineClient, removeTempFolders, tempFolder, waitFor } from './docker-support.js';

const engine = await findTestEngine();
reportSkip('docker-reconcile.test.ts', engine);

const PREFIX = `ewr${process.pid}`;
const SERVE_FOREVER = 'trap "exit 0" TERM; while true; do sleep 0.1; done';

interface ModuleDefinition {
  script: string;
  restartPolicy?: string;
  env?: Record<string, string>;
  startupOrder?: number;
  createOptions?: Record<string, unknown>;
}

/** podman runs health checks from systemd timers, which this machine may not have; the test runs them by hand. */
const PODMAN_CLI = spawnSync('podman', ['--version']).status === 0;

/** An $edgeAgent desired document as a twin holds it (createOptions as a JSON string). */
function desired(modules: Record<string, ModuleDefinition>): Record<string, unknown> {
  const system = (image: string) => ({ type: 'docker', settings: { image } });
  return {
    schemaVersion: '1.1',
    runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25' } },
    systemModules: { edgeAgent: system('mcr.microsoft.com/azureiotedge-agent:1.5'), edgeHub: { ...system('mcr.microsoft.com/azureiotedge-hub:1.5'), status: 'running', restartPolicy: 'always' } },
    modules: Object.fromEntries(
      Object.entries(modules).map(([name, module]) => [
        `${PREFIX}-${name}`,
        {
          type: 'docker',
          status: 'running',
          restartPolicy: module.restartPolicy ?? 'always',
          startupOrder: module.startupOrder ?? 1,
          imagePullPolicy: 'never',
          settings: { image: TEST_IMAGE, createOptions: JSON.stringify({ Cmd: ['sh', '-c', module.script], ...module.createOptions }) },
          env: Object.fromEntries(Object.entries(module.env ?? {}).map(([key, value]) => [key, { value }])),
        },
      ]),
    ),
  };
}

describe.skipIf(!engine.available)('the reconciler on the docker backend', () => {
  const host = engine.available ? engine.host : '';
  let dataFolder: string;
  let backend: DockerBackend;
  let docker: Docker;
  let reconciler: Reconciler;
  let states: Record<string, ModuleRuntime> = {};
  const name = (module: string) => `${PREFIX}-${module}`;

  beforeAll(async () => {
    dataFolder = tempFolder();
    docker = engineClient(host);
    backend = await openDockerBackend({ dockerHost: host, dataFolder, log: () => {} });
    const launchOf = (spec: ModuleSpec): ModuleLaunch => ({ spec, env: { ...spec.env, IOTEDGE_MODULEID: spec.name }, workloadSocket: `${dataFolder}/${spec.name}.sock`, logFile: `${dataFolder}/logs/${spec.name}.log` });
    // A short cool-off keeps the test quick; the policy and counting are edgeAgent's.
    reconciler = new Reconciler({ backend, launchOf, onState: (next) => (states = next), backoff: { minMs: 200, maxMs: 400 }, stopGraceMs: 2_000, healthPollMs: 60_000 });
  });

  afterAll(async () => {
    await reconciler?.close();
    for (const found of (await backend?.list()) ?? []) await backend.remove(found.handle);
    await backend?.close();
    removeTempFolders();
  });

  const containerOf = (module: string) => reconciler.handleOf(name(module))?.id;

  it('restarts per restartPolicy, and on a deployment change removes, recreates and keeps exactly what it should', async () => {
    await reconciler.apply(
      deploymentFromDesired(
        desired({
          crasher: { script: 'sleep 0.2; exit 2', restartPolicy: 'always' },
          failsOnce: { script: 'sleep 0.2; exit 5', restartPolicy: 'never' },
          finisher: { script: 'sleep 0.2; exit 0', restartPolicy: 'on-failure' },
          steady: { script: SERVE_FOREVER, env: { MODE: 'a' }, startupOrder: 0 },
          tuned: { script: SERVE_FOREVER, env: { MODE: 'a' } },
        }),
        1,
      ),
    );

    // always: restarted by the agent after each exit, in the same container.
    const crasher = containerOf('crasher');
    await waitFor('the crasher to be restarted twice', () => (states[name('crasher')]?.restartCount ?? 0) >= 2);
    expect(states[name('crasher')]).toMatchObject({ exitCode: 2 });
    expect(containerOf('crasher')).toBe(crasher);
    // never: left exited, reported failed; on-failure after a clean exit: stopped, not restarted.
    await waitFor('never and on-failure modules to settle', () => states[name('failsOnce')]?.runtimeStatus === 'failed' && states[name('finisher')]?.runtimeStatus === 'stopped');
    expect(states[name('failsOnce')]).toMatchObject({ exitCode: 5, restartCount: 0 });
    expect(states[name('finisher')]).toMatchObject({ exitCode: 0, restartCount: 0 });
    expect(states[name('steady')]).toMatchObject({ runtimeStatus: 'running' });

    const steady = containerOf('steady')!;
    const tuned = containerOf('tuned')!;
    await reconciler.apply(
      deploymentFromDesired(
        desired({
          steady: { script: SERVE_FOREVER, env: { MODE: 'a' }, startupOrder: 0 },
          tuned: { script: SERVE_FOREVER, env: { MODE: 'b' } },
        }),
        2,
      ),
    );

    // Removed modules lose their containers.
    for (const removed of ['crasher', 'failsOnce', 'finisher']) {
      expect(containerOf(removed)).toBeUndefined();
      await expect(docker.getContainer(name(removed)).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }
    // An env change recreates the container; the unchanged module keeps its own, still running.
    expect(containerOf('steady')).toBe(steady);
    expect((await docker.getContainer(steady).inspect()).State.Running).toBe(true);
    const retuned = containerOf('tuned')!;
    expect(retuned).not.toBe(tuned);
    await expect(docker.getContainer(tuned).inspect()).rejects.toMatchObject({ statusCode: 404 });
    const info = await docker.getContainer(retuned).inspect();
    expect(info.State.Running).toBe(true);
    expect(info.Config.Env).toContain('MODE=b');
  });

  it.skipIf(!PODMAN_CLI)('restarts an on-unhealthy module when its health check fails', async () => {
    const healthFolder = tempFolder();
    const healthBackend = await openDockerBackend({ dockerHost: host, dataFolder: healthFolder, log: () => {} });
    let healthStates: Record<string, ModuleRuntime> = {};
    const launchOf = (spec: ModuleSpec): ModuleLaunch => ({ spec, env: spec.env, workloadSocket: `${healthFolder}/${spec.name}.sock`, logFile: `${healthFolder}/logs/${spec.name}.log` });
    const watcher = new Reconciler({ backend: healthBackend, launchOf, onState: (next) => (healthStates = next), backoff: { minMs: 200, maxMs: 400 }, stopGraceMs: 2_000, healthPollMs: 200 });
    try {
      const healthCheck = { Healthcheck: { Test: ['CMD', 'test', '-f', '/tmp/healthy'], Interval: 3_600_000_000_000, Retries: 1 } };
      await watcher.apply(deploymentFromDesired(desired({ sick: { script: SERVE_FOREVER, restartPolicy: 'on-unhealthy', createOptions: healthCheck } }), 1));
      const container = watcher.handleOf(name('sick'))!.id;
      expect(await healthBackend.isUnhealthy({ id: container })).toBe(false);

      expect(spawnSync('podman', ['healthcheck', 'run', container], { encoding: 'utf8' }).stdout).toContain('unhealthy');
      await waitFor('the unhealthy module to be restarted', () => healthStates[name('sick')]?.restartCount === 1 && healthStates[name('sick')]?.runtimeStatus === 'running');
      // Restarted in its own container, whose health starts over.
      expect(watcher.handleOf(name('sick'))!.id).toBe(container);
      expect(await healthBackend.isUnhealthy({ id: container })).toBe(false);
    } finally {
      await watcher.close();
      for (const found of await healthBackend.list()) await healthBackend.remove(found.handle);
      await healthBackend.close();
    }
  });
});

afterAll(() => removeTempFolders());
