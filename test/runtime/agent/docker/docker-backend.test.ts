// The docker backend against a real engine: podman's Docker-compatible service with the local
// image localhost/busybox:edgewise (both from .ci/podman-setup.sh). Without them the engine tests
// skip, and say why.
import type Docker from 'dockerode';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ModuleBackendError, type ModuleExit, type ModuleHandle, type ModuleLaunch, type ModuleSpec } from '../../../../src/runtime/agent/agent-types.js';
import { DATA_FOLDER_LABEL, OWNER_LABEL, OWNER_VALUE } from '../../../../src/runtime/agent/docker/container-config.js';
import { openDockerBackend, type DockerBackend } from '../../../../src/runtime/agent/docker/docker-backend.js';
import { CONTAINER_WORKLOAD_URI } from '../../../../src/runtime/agent/workload/module-env.js';
import { findTestEngine, reportSkip, TEST_IMAGE } from '../../../support/podman.js';
import { engineClient, execIn, freePort, listenOnSocket, removeTempFolders, tempFolder, waitFor } from './docker-support.js';

const engine = await findTestEngine();
reportSkip('docker-backend.test.ts', engine);

/** Unique per run, so a container left by a crashed earlier run never collides. */
const PREFIX = `ew${process.pid}`;
/** A shell loop that ends at once on SIGTERM (a shell as pid 1 ignores signals it has no trap for). */
const SERVE_FOREVER = 'trap "exit 0" TERM; while true; do sleep 0.1; done';

function spec(name: string, overrides: Partial<ModuleSpec> = {}): ModuleSpec {
  return { name: `${PREFIX}-${name}`, status: 'running', restartPolicy: 'always', startupOrder: 1, image: TEST_IMAGE, imagePullPolicy: 'never', createOptions: {}, env: {}, ...overrides };
}

function launchOf(dataFolder: string, moduleSpec: ModuleSpec, env: Record<string, string> = {}): ModuleLaunch {
  return {
    spec: moduleSpec,
    env: { ...moduleSpec.env, IOTEDGE_MODULEID: moduleSpec.name, ...env },
    workloadSocket: join(dataFolder, 'workload', `${moduleSpec.name}.sock`),
    logFile: join(dataFolder, 'logs', `${moduleSpec.name}.log`),
  };
}

function shell(script: string): Record<string, unknown> {
  return { Cmd: ['sh', '-c', script] };
}

async function readFromPort(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => (text += chunk.toString()));
    socket.on('end', () => resolve(text));
    socket.on('error', () => resolve(''));
  });
}

describe('openDockerBackend', () => {
  it('says which engine is missing and how to start one', async () => {
    const opening = openDockerBackend({ dockerHost: 'unix:///nonexistent/docker.sock', dataFolder: '/tmp/x', log: () => {} });
    await expect(opening).rejects.toThrow(ModuleBackendError);
    await expect(opening).rejects.toThrow(/no Docker engine answers at unix:\/\/\/nonexistent\/docker.sock \(ENOENT.*podman system service/);
  });
});

describe.skipIf(!engine.available)('docker backend against podman', () => {
  const host = engine.available ? engine.host : '';
  const logLines: string[] = [];
  const exits: { handle: ModuleHandle; exit: ModuleExit }[] = [];
  let dataFolder: string;
  let backend: DockerBackend;
  let docker: Docker;
  let workload: Server | undefined;

  beforeAll(async () => {
    dataFolder = tempFolder();
    docker = engineClient(host);
    backend = await openDockerBackend({ dockerHost: host, dataFolder, log: (line) => logLines.push(line) });
    backend.onExit((handle, exit) => exits.push({ handle, exit }));
  });

  afterAll(async () => {
    for (const found of await backend.list()) await backend.remove(found.handle);
    await backend.close();
    for (const leftover of await docker.listContainers({ all: true, filters: JSON.stringify({ name: [PREFIX] }) })) await docker.getContainer(leftover.Id).remove({ force: true });
    await new Promise((resolve) => (workload ? workload.close(resolve) : resolve(undefined)));
    removeTempFolders();
  });

  const exitsOf = (handle: ModuleHandle) => exits.filter((entry) => entry.handle.id === handle.id).map((entry) => entry.exit);

  it("creates a container with the manifest's Binds, Env and PortBindings, visible inside it", async () => {
    const shared = join(dataFolder, 'shared');
    mkdirSync(shared);
    writeFileSync(join(shared, 'reading.txt'), 'reading 42\n');
    mkdirSync(join(dataFolder, 'workload'));
    const port = await freePort();
    const moduleSpec = spec('reader', {
      env: { LOG_LEVEL: 'debug', SHARED: 'from-manifest' },
      createOptions: {
        // `wait` (unlike a foreground nc) lets the TERM trap run at once.
        ...shell('echo started; trap "exit 0" TERM; while true; do echo "hello from $IOTEDGE_MODULEID" | nc -l -p 8080 & wait $!; done'),
        Env: ['FROM_OPTIONS=1', 'SHARED=from-createOptions'],
        ExposedPorts: { '8080/tcp': {} },
        HostConfig: { Binds: [`${shared}:/mnt/shared:ro`], PortBindings: { '8080/tcp': [{ HostPort: String(port) }] } },
      },
    });
    const launch = launchOf(dataFolder, moduleSpec, { IOTEDGE_WORKLOADURI: CONTAINER_WORKLOAD_URI });
    workload = await listenOnSocket(launch.workloadSocket);

    const handle = await backend.create(launch);
    await backend.start(handle);

    const info = await docker.getContainer(handle.id).inspect();
    expect(info.Name.replace(/^\//, '')).toBe(moduleSpec.name);
    expect(info.State.Running).toBe(true);
    expect(info.Config.Env).toEqual(expect.arrayContaining(['LOG_LEVEL=debug', 'FROM_OPTIONS=1', 'SHARED=from-createOptions', `IOTEDGE_MODULEID=${moduleSpec.name}`, `IOTEDGE_WORKLOADURI=${CONTAINER_WORKLOAD_URI}`]));
    expect(info.Config.Labels).toMatchObject({ [OWNER_LABEL]: OWNER_VALUE, [DATA_FOLDER_LABEL]: dataFolder });
    expect(info.HostConfig.PortBindings).toEqual({ '8080/tcp': [{ HostIp: '', HostPort: String(port) }] });
    expect(info.Mounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Source: shared, Destination: '/mnt/shared', RW: false }),
        expect.objectContaining({ Source: launch.workloadSocket, Destination: '/var/run/iotedge/workload.sock' }),
      ]),
    );

    const inside = await execIn(docker, handle.id, ['sh', '-c', 'cat /mnt/shared/reading.txt; env; test -S /var/run/iotedge/workload.sock && echo workload-socket-mounted; touch /mnt/shared/x 2>/dev/null || echo read-only']);
    expect(inside.exitCode).toBe(0);
    expect(inside.output).toContain('reading 42');
    expect(inside.output).toContain('LOG_LEVEL=debug');
    expect(inside.output).toContain('SHARED=from-createOptions');
    expect(inside.output).toContain('workload-socket-mounted');
    expect(inside.output).toContain('read-only');

    // The published port reaches the container's listener from the host.
    const greeting = await waitFor('the published port to answer', async () => (await readFromPort(port)).trim() || undefined);
    expect(greeting).toBe(`hello from ${moduleSpec.name}`);

    // Its output goes to the module's log file, as with the process backend.
    await waitFor('the log file to hold the output', () => {
      try {
        return readFileSync(launch.logFile, 'utf8').includes('started');
      } catch {
        return false;
      }
    });
    await backend.stop(handle, 5_000);
    expect(exitsOf(handle)).toEqual([expect.objectContaining({ code: 0, signal: null })]);
  });

  it('reports each exit with its code, and starts the same container again', async () => {
    const handle = await backend.create(launchOf(dataFolder, spec('crasher', { createOptions: shell('echo run; sleep 0.2; exit 3') })));
    await backend.start(handle);
    const first = await waitFor('the first exit', () => exitsOf(handle)[0]);
    expect(first).toMatchObject({ code: 3, signal: null });
    expect(Number.isFinite(first.atMs)).toBe(true);

    await backend.start(handle);
    await waitFor('the second exit', () => exitsOf(handle)[1]);
    expect(exitsOf(handle).map((exit) => exit.code)).toEqual([3, 3]);
    expect(readFileSync(launchOf(dataFolder, spec('crasher')).logFile, 'utf8')).toBe('run\nrun\n');
  });

  it('stops with SIGTERM, then SIGKILL after the grace, and reports the exit before stop resolves', async () => {
    const polite = await backend.create(launchOf(dataFolder, spec('polite', { createOptions: shell(SERVE_FOREVER) })));
    const stubborn = await backend.create(launchOf(dataFolder, spec('stubborn', { createOptions: shell('trap "" TERM; while true; do sleep 0.1; done') })));
    await backend.start(polite);
    await backend.start(stubborn);

    await backend.stop(polite, 10_000);
    expect(exitsOf(polite)).toEqual([expect.objectContaining({ code: 0 })]);
    await backend.stop(stubborn, 1_000);
    expect(exitsOf(stubborn)).toEqual([expect.objectContaining({ code: 137 })]);
    expect((await docker.getContainer(stubborn.id).inspect()).State.Running).toBe(false);

    // Stopping a stopped container is not an error.
    await backend.stop(polite);
  });

  it('lists only its own containers and removes them', async () => {
    const handle = await backend.create(launchOf(dataFolder, spec('listed', { createOptions: shell(SERVE_FOREVER) })));
    await backend.start(handle);
    const foreign = await docker.createContainer({ name: `${PREFIX}-foreign`, Image: TEST_IMAGE, Cmd: ['true'] });

    const listed = await backend.list();
    expect(listed).toContainEqual({ name: `${PREFIX}-listed`, handle: { id: handle.id }, running: true });
    expect(listed).toContainEqual({ name: `${PREFIX}-crasher`, handle: expect.anything(), running: false });
    expect(listed.map((found) => found.name)).not.toContain(`${PREFIX}-foreign`);

    await backend.remove(handle);
    await expect(docker.getContainer(handle.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
    await backend.remove(handle); // already gone: not an error
    expect(exitsOf(handle)).toEqual([]); // removed by the agent: no exit to judge

    // A container of the module's name that this agent did not make is left alone.
    await expect(backend.create(launchOf(dataFolder, spec('foreign')))).rejects.toThrow(/a container named ew\d+-foreign already exists and this agent .* did not create it; remove it/);
    expect((await docker.getContainer(foreign.id).inspect()).Id).toBe(foreign.id);
  });

  it('replaces a container this data folder left from an earlier run', async () => {
    const earlier = await backend.create(launchOf(dataFolder, spec('leftover', { createOptions: shell(SERVE_FOREVER) })));
    const next = await openDockerBackend({ dockerHost: host, dataFolder, log: (line) => logLines.push(line) });
    try {
      const replaced = await next.create(launchOf(dataFolder, spec('leftover', { createOptions: shell(SERVE_FOREVER) })));
      expect(replaced.id).not.toBe(earlier.id);
      await expect(docker.getContainer(earlier.id).inspect()).rejects.toMatchObject({ statusCode: 404 });
      expect(logLines).toContainEqual(expect.stringMatching(/removed its container left from an earlier run/));
    } finally {
      await next.close();
    }
  });

  it('pulls per imagePullPolicy: never fails at once on a missing image, on-create says the pull failed', async () => {
    const never = launchOf(dataFolder, spec('nopull', { image: 'localhost/edgewise-missing:1', imagePullPolicy: 'never' }));
    await expect(backend.create(never)).rejects.toThrow(/image localhost\/edgewise-missing:1 is not on this machine and its imagePullPolicy is never/);
    // A registry on a closed loopback port: the pull fails without leaving the machine.
    const onCreate = launchOf(dataFolder, spec('pull', { image: '127.0.0.1:9/edgewise-missing:1', imagePullPolicy: 'on-create' }));
    await expect(backend.create(onCreate)).rejects.toThrow(/cannot pull image 127.0.0.1:9\/edgewise-missing:1 \(.+\); check the image name/);
    // A local image is used as it is.
    const present = await backend.create(launchOf(dataFolder, spec('present', { imagePullPolicy: 'on-create', createOptions: shell('true') })));
    expect(present.id).toMatch(/^[0-9a-f]{64}$/);
    expect(logLines.some((line) => line.includes('pulled image'))).toBe(false);
  });
});

afterAll(() => removeTempFolders());
