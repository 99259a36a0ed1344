// Runs modules as containers through the Docker Engine API (dockerode), against Docker or
// podman's compatible service. The engine never restarts a container (no RestartPolicy): exits
// are reported to the agent, which decides (as edgeAgent does). Containers outlive the agent like
// IoT Edge modules do: close() only lets go of them, and list() finds them again on the next run
// through the data-folder label.
import type Docker from 'dockerode';
import { resolve } from 'node:path';
import { memberOf } from '../../../manifest/case-insensitive-member.js';
import { ModuleBackendError, type ModuleBackend, type ModuleExit, type ModuleHandle, type ModuleLaunch } from '../agent-types.js';
import { openModuleLog, type ModuleLogWriter } from '../process/module-log-writer.js';
import { containerCreateRequest, DATA_FOLDER_LABEL, MODULE_LABEL } from './container-config.js';
import { attachOutput } from './container-output.js';
import { parseDockerHost, PODMAN_ROOT_HOST } from './docker-host.js';
import { engineReason, statusOf } from './engine-errors.js';
import { ensureImage } from './image-pull.js';

export interface DockerBackendOptions {
  /** unix:///path or tcp://host:port (resolveDockerHost gives the default). */
  dockerHost: string;
  /** The agent's data folder: containers are labelled with it, so list() finds only this agent's. */
  dataFolder: string;
  log: (line: string) => void;
  /** How long the engine may take to answer a ping (default 5 s) and, beyond the grace, a stop (default 30 s); a wedged engine must not hang the agent. */
  engineTimeouts?: { pingMs?: number; stopMarginMs?: number };
}

/** As `docker stop`: SIGTERM, then SIGKILL after 10 s. */
const DEFAULT_GRACE_MS = 10_000;
/** How long to wait before asking again when the engine dropped a wait (it restarted, say). */
const REWAIT_DELAY_MS = 1_000;
/** After the engine said it stopped the container, how long its exit report may take before stop() gives up waiting for it. */
const EXIT_REPORT_MS = 15_000;
const PING_TIMEOUT_MS = 5_000;
const STOP_MARGIN_MS = 30_000;

interface Tracked {
  name: string;
  tty: boolean;
  logFile?: string;
  writer?: ModuleLogWriter;
  detachOutput?: () => void;
  /** Set while an exit is awaited; aborting it drops the wait without reporting an exit. */
  watch?: AbortController;
  /** Settles once the awaited exit was reported (or the wait was dropped). */
  exitReported?: Promise<void>;
}

/** Connects to the engine (one ping, so a missing engine is a clear error at once) and returns the backend. */
export async function openDockerBackend(options: DockerBackendOptions): Promise<DockerBackend> {
  const endpoint = parseDockerHost(options.dockerHost);
  // Loaded only here: dockerode and its dependencies take ~0.3 s to load, which the process backend should not pay.
  const { default: DockerClient } = await import('dockerode');
  const docker = endpoint.kind === 'unix' ? new DockerClient({ socketPath: endpoint.socketPath }) : new DockerClient({ host: endpoint.host, port: endpoint.port, protocol: 'http' });
  const pingMs = options.engineTimeouts?.pingMs ?? PING_TIMEOUT_MS;
  const deadline = AbortSignal.timeout(pingMs);
  try {
    // dockerode's ping takes options (abortSignal) like its other calls; @types/dockerode omits that overload.
    const ping = docker.ping.bind(docker) as unknown as (options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping({ abortSignal: deadline });
  } catch (error) {
    throw new ModuleBackendError(
      `no Docker engine answers at ${options.dockerHost} (${deadline.aborted ? `no answer to a ping within ${pingMs / 1000} s` : engineReason(error)}); start Docker, or podman's API service (podman system service --time=0 ${PODMAN_ROOT_HOST}) and pass --docker-host ${PODMAN_ROOT_HOST}`,
      'engine-unreachable',
    );
  }
  return new DockerBackend(docker, options);
}

export class DockerBackend implements ModuleBackend {
  readonly name = 'docker';
  private readonly tracked = new Map<string, Tracked>();
  private readonly listeners = new Set<(handle: ModuleHandle, exit: ModuleExit) => void>();
  private closed = false;
  private readonly options: DockerBackendOptions;

  constructor(
    private readonly docker: Docker,
    options: DockerBackendOptions,
  ) {
    // Absolute, so the data-folder label is the same whatever folder the agent was started from.
    this.options = { ...options, dataFolder: resolve(options.dataFolder) };
  }

  async create(launch: ModuleLaunch): Promise<ModuleHandle> {
    const request = containerCreateRequest(launch, this.options.dataFolder);
    for (const note of request.notes) this.options.log(note);
    if ((await ensureImage(this.docker, launch.spec)) === 'pulled') this.options.log(`module ${launch.spec.name}: pulled image ${launch.spec.image}`);
    await this.removeLeftover(request.name);
    let id: string;
    try {
      id = (await this.docker.createContainer({ ...request.body, name: request.name })).id;
    } catch (error) {
      throw new ModuleBackendError(`module ${request.name}: the engine refused to create its container (${engineReason(error)}); check the module's createOptions`, 'container-create');
    }
    const tty = memberOf(request.body, '', 'Tty')?.value;
    this.tracked.set(id, { name: request.name, tty: tty === true || tty === 'true', logFile: launch.logFile });
    return { id };
  }

  async start(handle: ModuleHandle): Promise<void> {
    const tracked = await this.trackedOf(handle);
    await this.captureOutput(handle.id, tracked);
    try {
      await this.docker.getContainer(handle.id).start();
    } catch (error) {
      if (statusOf(error) !== 304) {
        tracked.detachOutput?.();
        throw new ModuleBackendError(`module ${tracked.name}: the engine could not start its container (${engineReason(error)}); check the module's image and createOptions`, 'container-start');
      }
    }
    this.watchExit(handle.id, tracked);
  }

  async stop(handle: ModuleHandle, graceMs = DEFAULT_GRACE_MS): Promise<void> {
    const seconds = Math.ceil(graceMs / 1000);
    const timeoutMs = seconds * 1000 + (this.options.engineTimeouts?.stopMarginMs ?? STOP_MARGIN_MS);
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      await this.docker.getContainer(handle.id).stop({ t: seconds, abortSignal: deadline });
    } catch (error) {
      if (deadline.aborted) {
        throw new ModuleBackendError(`the engine did not stop container ${handle.id} within ${timeoutMs / 1000} s; it is removed by force next, or check the engine (docker info)`, 'container-stop');
      }
      const status = statusOf(error);
      // 304: it had already exited; 404: it is gone.
      if (status !== 304 && status !== 404) throw new ModuleBackendError(`cannot stop container ${handle.id}: ${engineReason(error)}`, 'container-stop');
    }
    // Resolve only after its exit was reported, so the agent never sees an exit of a module it
    // already counts as stopped; bounded, so an engine that stops answering cannot hang the agent.
    const reported = this.tracked.get(handle.id)?.exitReported;
    if (reported) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([reported, new Promise((resolve) => (timer = setTimeout(resolve, EXIT_REPORT_MS)))]);
      clearTimeout(timer);
    }
  }

  async remove(handle: ModuleHandle): Promise<void> {
    this.forget(handle.id);
    try {
      await this.docker.getContainer(handle.id).remove({ force: true });
    } catch (error) {
      if (statusOf(error) !== 404) throw new ModuleBackendError(`cannot remove container ${handle.id}: ${engineReason(error)}`, 'container-remove');
    }
  }

  onExit(listener: (handle: ModuleHandle, exit: ModuleExit) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** This agent's containers (by the data-folder label). Exits of the running ones are reported from now on. */
  async list(): Promise<{ name: string; handle: ModuleHandle; running: boolean }[]> {
    let containers: Docker.ContainerInfo[];
    try {
      containers = await this.docker.listContainers({ all: true, filters: JSON.stringify({ label: [`${DATA_FOLDER_LABEL}=${this.options.dataFolder}`] }) });
    } catch (error) {
      throw new ModuleBackendError(`cannot list containers: ${engineReason(error)}`, 'engine');
    }
    return containers.map((container) => {
      const name = container.Labels[MODULE_LABEL] ?? container.Names[0]?.replace(/^\//, '') ?? container.Id;
      const running = container.State === 'running';
      if (running) this.watchExit(container.Id, this.trackedOrNew(container.Id, name));
      return { name, handle: { id: container.Id }, running };
    });
  }

  async isUnhealthy(handle: ModuleHandle): Promise<boolean> {
    try {
      const state = (await this.docker.getContainer(handle.id).inspect()).State;
      return state.Health?.Status === 'unhealthy';
    } catch (error) {
      if (statusOf(error) === 404) return false;
      throw new ModuleBackendError(`cannot inspect container ${handle.id}: ${engineReason(error)}`, 'engine');
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of [...this.tracked.keys()]) this.forget(id);
    this.listeners.clear();
  }

  private async trackedOf(handle: ModuleHandle): Promise<Tracked> {
    const known = this.tracked.get(handle.id);
    if (known) return known;
    try {
      const info = await this.docker.getContainer(handle.id).inspect();
      const tracked = this.trackedOrNew(handle.id, info.Config.Labels?.[MODULE_LABEL] ?? info.Name.replace(/^\//, ''));
      tracked.tty = info.Config.Tty;
      return tracked;
    } catch (error) {
      throw new ModuleBackendError(`container ${handle.id} is not there (${engineReason(error)}); create the module again`, 'container-missing');
    }
  }

  private trackedOrNew(id: string, name: string): Tracked {
    let tracked = this.tracked.get(id);
    if (!tracked) {
      tracked = { name, tty: false };
      this.tracked.set(id, tracked);
    }
    return tracked;
  }

  private async captureOutput(id: string, tracked: Tracked): Promise<void> {
    if (tracked.logFile === undefined) return;
    tracked.detachOutput?.();
    tracked.writer ??= openModuleLog(tracked.logFile, { onError: (message) => this.options.log(`module ${tracked.name}: ${message}`) });
    try {
      tracked.detachOutput = await attachOutput(this.docker, id, tracked.tty, tracked.writer);
    } catch (error) {
      this.options.log(`module ${tracked.name}: its output is not logged (${engineReason(error)})`);
    }
  }

  /** Waits (in the background) for the container to stop running, then reports its exit once. */
  private watchExit(id: string, tracked: Tracked): void {
    if (tracked.watch || this.closed) return;
    const watch = new AbortController();
    tracked.watch = watch;
    tracked.exitReported = this.awaitExit(id, tracked, watch.signal).then((exit) => {
      // Cleared before the listeners run, so one that starts the module again gets a new watch.
      if (tracked.watch === watch) tracked.watch = undefined;
      if (exit && !watch.signal.aborted) this.emit(id, exit);
    });
  }

  private async awaitExit(id: string, tracked: Tracked, signal: AbortSignal): Promise<ModuleExit | undefined> {
    const container = this.docker.getContainer(id);
    while (!signal.aborted) {
      try {
        await container.wait({ condition: 'not-running', abortSignal: signal });
        const state = (await container.inspect({ abortSignal: signal })).State;
        if (state.Running) continue; // started again meanwhile
        const finished = Date.parse(state.FinishedAt);
        return { code: state.ExitCode, signal: null, atMs: Number.isFinite(finished) && finished > 0 ? finished : Date.now() };
      } catch (error) {
        if (signal.aborted) return undefined;
        // Removed behind the agent's back (docker rm -f): it has exited, with no code to tell.
        if (statusOf(error) === 404) return { code: null, signal: null, atMs: Date.now() };
        this.options.log(`module ${tracked.name}: lost track of its container (${engineReason(error)}); asking again`);
        await new Promise((resolve) => setTimeout(resolve, REWAIT_DELAY_MS));
      }
    }
    return undefined;
  }

  private emit(id: string, exit: ModuleExit): void {
    for (const listener of [...this.listeners]) {
      try {
        listener({ id }, exit);
      } catch (error) {
        this.options.log(`an exit listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Stops watching a container and closes its log, without reporting an exit. */
  private forget(id: string): void {
    const tracked = this.tracked.get(id);
    if (!tracked) return;
    tracked.watch?.abort();
    tracked.detachOutput?.();
    tracked.writer?.close();
    this.tracked.delete(id);
  }

  /** A container already named after the module: this agent's from an earlier run is removed; anyone else's is refused. */
  private async removeLeftover(name: string): Promise<void> {
    let info: Docker.ContainerInspectInfo;
    try {
      info = await this.docker.getContainer(name).inspect();
    } catch (error) {
      if (statusOf(error) === 404) return;
      throw new ModuleBackendError(`cannot inspect container ${name}: ${engineReason(error)}`, 'engine');
    }
    if (info.Config.Labels?.[DATA_FOLDER_LABEL] !== this.options.dataFolder) {
      throw new ModuleBackendError(`a container named ${name} already exists and this agent (data folder ${this.options.dataFolder}) did not create it; remove it (docker rm -f ${name}) or rename the module`, 'container-name-taken');
    }
    this.forget(info.Id);
    await this.docker.getContainer(info.Id).remove({ force: true });
    this.options.log(`module ${name}: removed its container left from an earlier run (${info.Id.slice(0, 12)})`);
  }
}
