// The process backend (`--backend process`): each module runs as a child process, from the
// command the modules file gives it, with its output appended to its log. The agent decides what
// runs; this only does what it is told and reports exits.
//
// - A module runs in its own process group (detached), and is signalled as a group: stop sends
//   SIGTERM, then SIGKILL after the grace (docker stop's 10 s by default); when its main process
//   ends, whatever it left in its group is killed, as a container's processes end with its init.
// - An exit is reported once the process's output is in its log (its pipes closed, or at most
//   OUTPUT_DRAIN_MS after it exited, should a grandchild in another group hold them open).
// - When the agent's process exits, every module is killed (a synchronous 'exit' hook). An agent
//   killed with SIGKILL cannot do that: the pids are recorded in the data folder, and `list()` of
//   the next agent finds the survivors (and only those). They are not its children, so it gets no
//   exit codes from them: it can only stop and remove them (start refuses), which is what the
//   agent does. Their records stay in the file until list() has looked at them.
// - close() stops every module and reports none of these exits: nobody should restart them.
// - The handle's id is stable across restarts (as a container id is); `pid` is the current process.
import { spawn, type ChildProcess } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { ModuleBackendError, type ModuleBackend, type ModuleExit, type ModuleHandle, type ModuleLaunch } from '../agent-types.js';
import { openModuleLog, type ModuleLogWriter } from './module-log-writer.js';
import { moduleProcessEnv } from './module-process-env.js';
import type { ModuleCommand, ModulesFile } from './modules-file.js';
import { isRecordAlive, processStartTicks, readProcessRecords, writeProcessRecords, type ProcessRecord } from './process-records.js';

export interface ProcessBackendOptions {
  modulesFile: ModulesFile;
  /** The agent's data folder: the pid records live here (module logs go where each launch says). */
  dataFolder: string;
  log: (line: string) => void;
  /** Cap of each module log before it rotates (default 10 MB). */
  logMaxBytes?: number;
  /** Grace of the stops close() makes (default 10 s). */
  closeGraceMs?: number;
  /** Where PATH, HOME… come from (default process.env); see module-process-env.ts. */
  hostEnv?: NodeJS.ProcessEnv;
  now?: () => number;
}

export interface ProcessModuleHandle extends ModuleHandle {
  readonly module: string;
  /** The current (or last) process id; undefined before the first start. */
  readonly pid: number | undefined;
}

const DEFAULT_GRACE_MS = 10_000;
const OUTPUT_DRAIN_MS = 2_000;
/** How often a module found from an earlier run is checked while it stops (it is not our child: no exit event). */
const ADOPTED_POLL_MS = 50;
const ADOPTED_KILL_WAIT_MS = 10_000;
const PROCESS_GROUPS = process.platform !== 'win32';

/** What a created module runs; undefined for one found running from an earlier agent. */
interface ModuleRun {
  command: ModuleCommand;
  env: Record<string, string>;
  writer: ModuleLogWriter;
}

class ProcessModule implements ProcessModuleHandle {
  pid: number | undefined;
  startTicks: number | undefined;
  child: ChildProcess | undefined;
  running = false;
  removed = false;
  /** Settles once the current child's exit has been reported. */
  exited: Promise<void> | undefined;
  starting: Promise<void> | undefined;

  constructor(
    readonly id: string,
    readonly module: string,
    readonly run: ModuleRun | undefined,
  ) {}
}

export function createProcessBackend(options: ProcessBackendOptions): ModuleBackend {
  return new ProcessBackend(options);
}

class ProcessBackend implements ModuleBackend {
  readonly name = 'process';
  private readonly modules = new Map<string, ProcessModule>();
  private readonly listeners = new Set<(handle: ModuleHandle, exit: ModuleExit) => void>();
  private readonly now: () => number;
  private sequence = 0;
  private closed = false;
  /** Synchronous: the last chance to take the modules down with the agent. */
  private readonly killAll = (): void => {
    for (const module of this.modules.values()) {
      if (!module.running || module.pid === undefined) continue;
      try {
        signalGroup(module.pid, 'SIGKILL');
      } catch {
        // exiting: nothing is left to report to
      }
    }
  };

  /** Records of an earlier agent, kept in the file until list() has looked at them. */
  private earlierRecords: ProcessRecord[];

  constructor(private readonly options: ProcessBackendOptions) {
    this.now = options.now ?? Date.now;
    this.earlierRecords = readProcessRecords(options.dataFolder);
    process.on('exit', this.killAll);
  }

  async create(launch: ModuleLaunch): Promise<ModuleHandle> {
    this.refuseWhenClosed();
    const name = launch.spec.name;
    const file = this.options.modulesFile;
    // Own entries only: a module named `constructor` or `toString` is not one of Object's methods.
    const command = Object.hasOwn(file.modules, name) ? file.modules[name] : undefined;
    if (!command) throw new ModuleBackendError(`module ${name} has no entry in ${file.file}; add modules.${name}.command`, 'module-not-in-modules-file');
    const writer = openModuleLog(launch.logFile, { maxBytes: this.options.logMaxBytes, onError: (line) => this.options.log(`module ${name}: ${line}`) });
    const env = moduleProcessEnv(this.options.hostEnv ?? process.env, command.env, launch.env);
    const module = new ProcessModule(`${name}#${++this.sequence}`, name, { command, env, writer });
    this.modules.set(module.id, module);
    return module;
  }

  async start(handle: ModuleHandle): Promise<void> {
    this.refuseWhenClosed();
    const module = this.moduleOf(handle);
    if (!module.run) throw new ModuleBackendError(`module ${module.module} (pid ${module.pid}) was started by an earlier agent, so this one cannot watch or restart it; remove it and create it again`, 'adopted-module');
    if (module.starting) return module.starting;
    if (module.running) return;
    module.starting = this.spawnModule(module, module.run).finally(() => {
      module.starting = undefined;
    });
    return module.starting;
  }

  async stop(handle: ModuleHandle, graceMs = DEFAULT_GRACE_MS): Promise<void> {
    const module = this.moduleOf(handle);
    if (module.starting) await module.starting.catch(() => undefined);
    if (!module.run) return this.stopAdopted(module, graceMs);
    if (!module.running || module.pid === undefined) {
      await module.exited; // an exit still being reported
      return;
    }
    const pid = module.pid;
    signalGroup(pid, 'SIGTERM');
    const escalation = setTimeout(() => signalGroup(pid, 'SIGKILL'), graceMs);
    try {
      await module.exited;
    } finally {
      clearTimeout(escalation);
    }
  }

  async remove(handle: ModuleHandle): Promise<void> {
    const module = this.moduleOf(handle);
    if (module.running || module.starting) await this.stop(module);
    else await module.exited;
    module.removed = true;
    this.modules.delete(module.id);
    // Output still in a pipe of a child whose exit was reported early is closed with its stream.
    if (!module.child || module.child.stdout?.closed !== false) module.run?.writer.close();
    this.saveRecords();
  }

  onExit(listener: (handle: ModuleHandle, exit: ModuleExit) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<{ name: string; handle: ModuleHandle; running: boolean }[]> {
    const known = new Set([...this.modules.values()].map((module) => module.pid));
    const earlier = this.earlierRecords;
    this.earlierRecords = [];
    for (const record of earlier) {
      if (known.has(record.pid) || !isRecordAlive(record)) continue;
      const module = new ProcessModule(`${record.module}#earlier-${record.pid}`, record.module, undefined);
      module.pid = record.pid;
      module.startTicks = record.startTicks;
      module.running = true;
      this.modules.set(module.id, module);
    }
    this.saveRecords(); // forgets the ones that are gone
    // Only those: the ones this agent created are its own already.
    return [...this.modules.values()].filter((module) => !module.run).map((module) => ({ name: module.module, handle: module, running: module.running }));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    const grace = this.options.closeGraceMs ?? DEFAULT_GRACE_MS;
    await Promise.all([...this.modules.values()].map((module) => this.stop(module, grace).catch((error: unknown) => this.options.log(`module ${module.module}: ${(error as Error).message}`))));
    for (const module of this.modules.values()) module.run?.writer.close();
    process.off('exit', this.killAll);
    this.saveRecords();
  }

  private async spawnModule(module: ProcessModule, run: ModuleRun): Promise<void> {
    const [program, ...args] = run.command.command as [string, ...string[]];
    let child: ChildProcess;
    try {
      child = spawn(program, args, { cwd: run.command.cwd, env: run.env, detached: PROCESS_GROUPS, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true });
    } catch (error) {
      throw this.startError(module, run, error);
    }
    await new Promise<void>((resolve, reject) => {
      child.once('spawn', resolve);
      child.once('error', reject);
    }).catch((error: unknown) => {
      throw this.startError(module, run, error);
    });
    // Later errors (a signal that cannot be delivered) must not crash the agent as unhandled events.
    child.on('error', (error) => this.options.log(`module ${module.module}: ${error.message}`));
    const pid = child.pid!;
    module.child = child;
    module.pid = pid;
    module.startTicks = processStartTicks(pid);
    module.running = true;
    child.stdout!.on('data', (chunk: Buffer) => run.writer.write(chunk));
    child.stderr!.on('data', (chunk: Buffer) => run.writer.write(chunk));
    module.exited = new Promise<void>((resolve) => {
      let exit: ModuleExit | undefined;
      let drain: NodeJS.Timeout | undefined;
      const report = (): void => {
        if (!exit) return;
        const reported = exit;
        exit = undefined;
        clearTimeout(drain);
        for (const listener of [...this.listeners]) listener(module, reported);
        resolve();
      };
      child.once('exit', (code, signal) => {
        exit = { code, signal, atMs: this.now() };
        if (module.child === child) module.running = false;
        try {
          signalGroup(pid, 'SIGKILL'); // what it left in its group ends with it
        } catch (error) {
          this.options.log(`module ${module.module}: cannot end what pid ${pid} left running (${(error as Error).message})`);
        }
        this.saveRecords();
        drain = setTimeout(report, OUTPUT_DRAIN_MS);
        drain.unref();
      });
      child.once('close', () => {
        report();
        if (module.removed) run.writer.close();
      });
    });
    this.saveRecords();
  }

  private async stopAdopted(module: ProcessModule, graceMs: number): Promise<void> {
    const pid = module.pid!;
    const alive = (): boolean => isRecordAlive({ module: module.module, pid, startTicks: module.startTicks });
    const waitUntilGone = async (ms: number): Promise<boolean> => {
      for (const deadline = this.now() + ms; this.now() < deadline; await sleep(ADOPTED_POLL_MS)) if (!alive()) return true;
      return !alive();
    };
    if (alive()) {
      signalGroup(pid, 'SIGTERM');
      if (!(await waitUntilGone(graceMs))) {
        signalGroup(pid, 'SIGKILL');
        if (!(await waitUntilGone(ADOPTED_KILL_WAIT_MS))) throw new ModuleBackendError(`module ${module.module} (pid ${pid}) did not end on SIGKILL; stop it by hand`, 'stop-failed');
      }
    }
    module.running = false;
    this.saveRecords();
  }

  private startError(module: ProcessModule, run: ModuleRun, error: unknown): ModuleBackendError {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    const program = run.command.command[0];
    const file = this.options.modulesFile.file;
    const why =
      code === 'ENOENT'
        ? `"${program}" was not found (or the folder ${run.command.cwd} is gone)`
        : code === 'EACCES'
          ? `"${program}" is not executable`
          : `"${program}" failed to start (${code})`;
    return new ModuleBackendError(`cannot start module ${module.module}: ${why}; check modules.${module.module}.command and cwd in ${file}`, 'module-start-failed');
  }

  private moduleOf(handle: ModuleHandle): ProcessModule {
    const module = this.modules.get(handle.id);
    if (!module) throw new ModuleBackendError(`no module ${handle.id} in the process backend (removed already, or created by another backend)`, 'unknown-module');
    return module;
  }

  private refuseWhenClosed(): void {
    if (this.closed) throw new ModuleBackendError('the process backend is closed; start the agent again', 'backend-closed');
  }

  private saveRecords(): void {
    const records: ProcessRecord[] = [...this.earlierRecords];
    for (const module of this.modules.values()) {
      if (module.running && module.pid !== undefined) records.push({ module: module.module, pid: module.pid, ...(module.startTicks === undefined ? {} : { startTicks: module.startTicks }) });
    }
    try {
      writeProcessRecords(this.options.dataFolder, records);
    } catch (error) {
      this.options.log(`cannot record module processes in ${this.options.dataFolder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); an agent killed now may leave them running`);
    }
  }
}

/** Signals a module's whole process group; one already gone is not an error. */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(PROCESS_GROUPS ? -pid : pid, signal);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
