// The seams of the edge agent (issue 13): what one module is as the agent runs it, its runtime
// state, and the backend interface that the process and docker backends implement. The
// reconciler, the backends and the workload API are written against these types only.
import { EdgewiseError } from '../../errors.js';

/** edgeAgent's restartPolicy values (Azure/iotedge edge-agent RestartPolicy.cs); default always. */
export type RestartPolicy = 'never' | 'on-failure' | 'on-unhealthy' | 'always';

/** A module's desired `status` in the deployment. */
export type DesiredStatus = 'running' | 'stopped';

/** One module as the agent runs it. */
export interface ModuleSpec {
  name: string;
  status: DesiredStatus;
  /** edgeAgent's default: always. */
  restartPolicy: RestartPolicy;
  /** Schema 1.1; edgeAgent's default is uint.MaxValue (4294967295): started last. */
  startupOrder: number;
  /** settings.image */
  image: string;
  /** edgeAgent's default: on-create. */
  imagePullPolicy: 'on-create' | 'never';
  /** settings.createOptions joined (createOptions01…) and parsed; {} when none. */
  createOptions: Record<string, unknown>;
  /** The manifest's env `{NAME: {value}}` flattened to `{NAME: value}`. */
  env: Record<string, string>;
}

/** A desired deployment as the agent reconciles it. */
export interface AgentDeployment {
  schemaVersion: string;
  /** User modules only: the hub runs in-process and the agent is this process. */
  modules: ModuleSpec[];
  /** The `$edgeAgent` desired document it came from. */
  desired: Record<string, unknown>;
  /** The twin's desired `$version`, when it came from a twin. */
  version?: number;
  /** `systemModules.edgeHub` env and createOptions, for the in-process hub (when the deployment has it). */
  edgeHub?: { env: Record<string, string>; createOptions: Record<string, unknown> };
}

/** edgeAgent's ModuleStatus as reported in `runtimeStatus` (Azure/iotedge edge-agent ModuleStatus.cs). */
export type RuntimeStatus = 'unknown' | 'backoff' | 'running' | 'unhealthy' | 'stopped' | 'failed';

/** What the agent knows of one module at run time (the reported `modules.{m}` runtime fields). */
export interface ModuleRuntime {
  runtimeStatus: RuntimeStatus;
  exitCode?: number;
  statusDescription?: string;
  lastStartTimeUtc?: string;
  lastExitTimeUtc?: string;
  restartCount: number;
  lastRestartTimeUtc?: string;
}

/** What the workload API and IOTEDGE_* env give a module: computed by the agent, passed to the backend at create. */
export interface ModuleLaunch {
  spec: ModuleSpec;
  /** The manifest's env plus IOTEDGE_*; the backend adds nothing else of its own. */
  env: Record<string, string>;
  /** Host path of this module's workload unix socket. */
  workloadSocket: string;
  logFile: string;
}

/** A created module: a pid or a container id. */
export interface ModuleHandle {
  readonly id: string;
}

/** How a started module ended. */
export interface ModuleExit {
  code: number | null;
  signal: string | null;
  /** When it exited, ms since the epoch. */
  atMs: number;
}

/** Runs modules; the agent decides what to create, start, stop and restart. */
export interface ModuleBackend {
  readonly name: 'process' | 'docker';
  /** Prepares (pulls per imagePullPolicy for docker) and creates the module, not started. Throws ModuleBackendError (message says what to do). */
  create(launch: ModuleLaunch): Promise<ModuleHandle>;
  start(handle: ModuleHandle): Promise<void>;
  /** SIGTERM, then SIGKILL after graceMs (default 10 s, as docker stop). Resolves when it has exited. */
  stop(handle: ModuleHandle, graceMs?: number): Promise<void>;
  remove(handle: ModuleHandle): Promise<void>;
  /** Exit events (code, signal) of started modules; the agent decides restarts. Returns the unsubscribe. */
  onExit(listener: (handle: ModuleHandle, exit: ModuleExit) => void): () => void;
  /** Modules this backend finds already running from an earlier run of the agent on this data folder (adopt or clean up). */
  list(): Promise<{ name: string; handle: ModuleHandle; running: boolean }[]>;
  /**
   * Optional: whether a running module's health check says it is unhealthy (docker reads
   * State.Health). A backend without health checks leaves it out, and on-unhealthy then never restarts.
   */
  isUnhealthy?(handle: ModuleHandle): Promise<boolean>;
  close(): Promise<void>;
}

/** A backend cannot do what was asked; the message says what to do. */
export class ModuleBackendError extends EdgewiseError {
  override name = 'ModuleBackendError';

  constructor(
    message: string,
    readonly code: string = 'module-backend',
  ) {
    super(message);
  }
}
