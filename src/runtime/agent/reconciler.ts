// Keeps the modules in the state the deployment asks for, continuously, as edgeAgent's
// reconcile loop does (Azure/iotedge edge-agent Core Agent.ReconcileAsync, HealthRestartPlanner):
// a new deployment removes removed modules, recreates those `edgewise diff` classes as recreate
// (stop, remove, create, start), creates missing ones and starts or stops by desired status; then
// modules start in ascending startupOrder, each after the one before has started. Exits are
// judged by restartPolicy (restart-policy.ts) and restarted after edgeAgent's cool-off
// (crash-backoff.ts). Everything runs in one pass at a time, so no two operations touch a module
// at once; exits and timers only record what happened and ask for another pass.
//
// On close the modules are stopped, not removed, as edgeAgent's shutdown plan stops every module
// (HealthRestartPlanner.CreateShutdownPlanAsync); the next start removes what it finds from an
// earlier run and creates it again, since the backend cannot say which deployment made it.
import type { AgentDeployment, ModuleBackend, ModuleExit, ModuleHandle, ModuleLaunch, ModuleRuntime, ModuleSpec } from './agent-types.js';
import { SYSTEM_CLOCK, type AgentClock } from './agent-clock.js';
import { EDGE_AGENT_BACKOFF, type CrashBackoff } from './crash-backoff.js';
import { exitOutcome, type Ending } from './exit-outcome.js';
import { planChanges, type ChangePlan } from './reconcile-plan.js';
import { reportedExitCode } from './restart-policy.js';

export interface ReconcilerOptions {
  backend: ModuleBackend;
  /** The env, workload socket and log file a module is created with (may open its workload socket). */
  launchOf: (spec: ModuleSpec) => ModuleLaunch | Promise<ModuleLaunch>;
  /** Called with every module's runtime state whenever one changes. */
  onState?: (states: Record<string, ModuleRuntime>) => void;
  /** Called after a module is removed (its workload socket can be closed). */
  onRemoved?: (name: string) => void;
  log?: (line: string) => void;
  clock?: AgentClock;
  /** Overrides clock.now. */
  now?: () => number;
  /** edgeAgent's by default: 10 s doubling to 5 minutes, 20 restarts, cleared after 10 minutes running. */
  backoff?: Partial<CrashBackoff>;
  /** Passed to backend.stop (default: the backend's own, 10 s). */
  stopGraceMs?: number;
  /** How often running modules' health checks are read, when the backend has them (default 10 s). */
  healthPollMs?: number;
}

interface ModuleSlot {
  spec: ModuleSpec;
  handle?: ModuleHandle;
  runtime: ModuleRuntime;
  /** Started, and no exit seen since. */
  running: boolean;
  /** The agent is stopping it, so its exit is not a crash. */
  stopping: boolean;
  /** Start at the next pass: new, recreated, desired running again, or a restart that is due. */
  startDue: boolean;
  /** The due start is a restart, counted in restartCount. */
  restartDue: boolean;
  /** Its health check failed and its policy restarts it. */
  unhealthyRestart: boolean;
  startedAtMs?: number;
  cancelRestart?: () => void;
  cancelHealthy?: () => void;
}

export class Reconciler {
  private readonly backend: ModuleBackend;
  private readonly clock: AgentClock;
  private readonly backoff: CrashBackoff;
  private readonly log: (line: string) => void;
  private readonly slots = new Map<string, ModuleSlot>();
  private readonly unsubscribe: () => void;
  private deployment: AgentDeployment | undefined;
  private pending: AgentDeployment | undefined;
  private cleanedUp = false;
  private dirty = false;
  private loop: Promise<void> | undefined;
  private closed = false;
  private lastEmitted = '';
  private cancelHealthPoll: (() => void) | undefined;

  constructor(private readonly options: ReconcilerOptions) {
    this.backend = options.backend;
    const base = options.clock ?? SYSTEM_CLOCK;
    this.clock = options.now ? { now: options.now, setTimer: (run, ms) => base.setTimer(run, ms) } : base;
    this.backoff = { ...EDGE_AGENT_BACKOFF, ...options.backoff };
    this.log = options.log ?? (() => {});
    this.unsubscribe = this.backend.onExit((handle, exit) => this.exited(handle, exit));
    if (this.backend.isUnhealthy) this.pollHealth();
  }

  /** A new desired deployment; resolves when the pass that reconciles it has finished. */
  apply(deployment: AgentDeployment): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.pending = deployment;
    this.schedule();
    return this.idle();
  }

  /** Resolves when no pass is running or asked for. */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  states(): Record<string, ModuleRuntime> {
    const states: Record<string, ModuleRuntime> = {};
    for (const name of [...this.slots.keys()].sort()) {
      Object.defineProperty(states, name, { value: { ...this.slots.get(name)!.runtime }, enumerable: true, writable: true, configurable: true });
    }
    return states;
  }

  /** The deployment the modules were last reconciled to. */
  currentDeployment(): AgentDeployment | undefined {
    return this.deployment;
  }

  /** The backend's handle of a module (a pid or container id), while it exists. */
  handleOf(name: string): ModuleHandle | undefined {
    return this.slots.get(name)?.handle;
  }

  /** Stops every module (not removing it) and stops reconciling; `stopModules: false` leaves them running. */
  async close({ stopModules = true }: { stopModules?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.cancelHealthPoll?.();
    for (const slot of this.slots.values()) cancelTimers(slot);
    await this.idle();
    if (stopModules) {
      // Last started group first; the modules of one startupOrder stop together, so close takes one grace per group, not per module.
      for (const group of startupGroups(this.ordered()).reverse()) await Promise.all(group.map((slot) => this.stopSlot(slot)));
    }
    this.unsubscribe();
    this.emit();
  }

  private schedule(): void {
    this.dirty = true;
    if (this.loop) return;
    this.loop = this.runPasses();
    void this.loop.finally(() => {
      this.loop = undefined;
      if (this.dirty && !this.closed) this.schedule();
    });
  }

  private async runPasses(): Promise<void> {
    while (this.dirty && !this.closed) {
      this.dirty = false;
      try {
        await this.pass();
      } catch (error) {
        this.log(`reconcile pass failed, retrying at the next change: ${(error as Error).message}`);
      }
      this.emit();
    }
  }

  private async pass(): Promise<void> {
    if (!this.cleanedUp) await this.cleanUpLeftovers();
    const next = this.pending;
    this.pending = undefined;
    if (next) await this.applyDeployment(next);
    for (const slot of this.ordered()) {
      if (this.closed) return;
      if (slot.spec.status === 'stopped') await this.stopSlot(slot);
      if (slot.unhealthyRestart) await this.restartUnhealthy(slot);
    }
    for (const slot of this.ordered()) {
      if (this.closed) return;
      if (slot.cancelRestart) continue; // waiting out its cool-off
      if (!slot.handle && (!slot.startDue || !(await this.createSlot(slot)))) continue;
      if (slot.spec.status === 'running' && slot.startDue && !slot.running) await this.startSlot(slot);
    }
  }

  private async cleanUpLeftovers(): Promise<void> {
    this.cleanedUp = true;
    for (const found of await this.backend.list()) {
      try {
        if (found.running) await this.backend.stop(found.handle, this.options.stopGraceMs);
        await this.backend.remove(found.handle);
        this.log(`removed module ${found.name} left from an earlier run; it is created again from the deployment`);
      } catch (error) {
        this.log(`could not remove module ${found.name} left from an earlier run: ${(error as Error).message}`);
      }
    }
  }

  private async applyDeployment(next: AgentDeployment): Promise<void> {
    const plan = await planChanges(this.deployment, next);
    const specs = new Map(next.modules.map((spec) => [spec.name, spec]));
    for (const [name, slot] of [...this.slots]) {
      if (specs.has(name) && !plan.remove.includes(name)) continue;
      await this.retire(slot);
      this.slots.delete(name);
      this.options.onRemoved?.(name);
      this.log(`removed module ${name}`);
    }
    for (const name of plan.recreate) {
      const slot = this.slots.get(name);
      if (slot) {
        await this.retire(slot);
        this.log(`recreating module ${name}: the deployment changed its definition`);
      }
      this.slots.set(name, newSlot(specs.get(name)!));
    }
    for (const spec of next.modules) {
      const slot = this.slots.get(spec.name);
      if (!slot) {
        this.slots.set(spec.name, newSlot(spec));
        continue;
      }
      if (plan.startStop.includes(spec.name)) {
        // edgeAgent forgets restart stats when the desired status changes (RemoveFromStoreCommand).
        cancelTimers(slot);
        slot.runtime.restartCount = 0;
        delete slot.runtime.lastRestartTimeUtc;
        slot.startDue = spec.status === 'running';
        slot.restartDue = false;
      }
      slot.spec = spec;
    }
    this.deployment = next;
    this.log(`applied deployment${next.version === undefined ? '' : ` version ${next.version}`}: ${describePlan(plan)}`);
  }

  private async createSlot(slot: ModuleSlot): Promise<boolean> {
    try {
      const launch = await this.options.launchOf(slot.spec);
      slot.handle = await this.backend.create(launch);
      if (slot.spec.status === 'stopped') slot.runtime = { ...slot.runtime, runtimeStatus: 'stopped' };
      this.log(`created module ${slot.spec.name}`);
      return true;
    } catch (error) {
      // A retried create counts as a restart, as a crash does, so its cool-off grows and the retries end.
      if (slot.restartDue) slot.runtime = { ...slot.runtime, restartCount: slot.runtime.restartCount + 1, lastRestartTimeUtc: iso(this.clock.now()) };
      slot.startDue = false; // until its retry is due
      slot.restartDue = false;
      this.ended(slot, { kind: 'error', message: `could not be created: ${(error as Error).message}`, atMs: this.clock.now() });
      return false;
    }
  }

  private async startSlot(slot: ModuleSlot): Promise<void> {
    const nowMs = this.clock.now();
    const runtime: ModuleRuntime = { ...slot.runtime, runtimeStatus: 'running', lastStartTimeUtc: iso(nowMs) };
    delete runtime.statusDescription;
    if (slot.restartDue) {
      runtime.restartCount += 1;
      runtime.lastRestartTimeUtc = iso(nowMs);
    }
    slot.runtime = runtime;
    slot.startDue = false;
    slot.restartDue = false;
    slot.running = true;
    slot.stopping = false;
    slot.startedAtMs = nowMs;
    try {
      await this.backend.start(slot.handle!);
    } catch (error) {
      slot.running = false;
      this.ended(slot, { kind: 'error', message: `could not be started: ${(error as Error).message}`, atMs: this.clock.now() });
      return;
    }
    if (!slot.running) return; // it already exited, and that was handled
    this.log(`started module ${slot.spec.name}${runtime.restartCount > 0 ? ` (restart ${runtime.restartCount})` : ''}`);
    slot.cancelHealthy = this.clock.setTimer(() => this.ranHealthy(slot, nowMs), this.backoff.healthyAfterMs);
    this.emit();
  }

  /** A run long enough clears the restart count (edgeAgent's IntensiveCareTime). */
  private ranHealthy(slot: ModuleSlot, startedAtMs: number): void {
    slot.cancelHealthy = undefined;
    if (!slot.running || slot.startedAtMs !== startedAtMs || slot.runtime.restartCount === 0) return;
    slot.runtime = { ...slot.runtime, restartCount: 0 };
    delete slot.runtime.lastRestartTimeUtc;
    this.emit();
  }

  private async stopSlot(slot: ModuleSlot): Promise<void> {
    cancelTimers(slot);
    if (slot.handle && slot.running) {
      slot.stopping = true;
      try {
        await this.backend.stop(slot.handle, this.options.stopGraceMs);
      } catch (error) {
        this.log(`could not stop module ${slot.spec.name}: ${(error as Error).message}`);
      }
      if (slot.running) this.markStopped(slot, this.clock.now(), undefined); // the backend sent no exit event
      this.log(`stopped module ${slot.spec.name}`);
    }
    if (slot.runtime.runtimeStatus !== 'stopped') {
      slot.runtime = { ...slot.runtime, runtimeStatus: 'stopped' };
      delete slot.runtime.statusDescription;
    }
  }

  /** Stops and removes a module's container or process. */
  private async retire(slot: ModuleSlot): Promise<void> {
    await this.stopSlot(slot);
    const handle = slot.handle;
    slot.handle = undefined;
    if (!handle) return;
    try {
      await this.backend.remove(handle);
    } catch (error) {
      this.log(`could not remove module ${slot.spec.name}: ${(error as Error).message}`);
    }
  }

  private async restartUnhealthy(slot: ModuleSlot): Promise<void> {
    slot.unhealthyRestart = false;
    if (!slot.running) return;
    const ranMs = this.clock.now() - (slot.startedAtMs ?? this.clock.now());
    await this.stopSlot(slot);
    this.ended(slot, { kind: 'unhealthy', atMs: this.clock.now() }, ranMs);
  }

  private exited(handle: ModuleHandle, exit: ModuleExit): void {
    const slot = this.slotOf(handle);
    if (!slot || !slot.running) return; // an earlier container of a recreated module, or already handled
    if (slot.stopping) {
      this.markStopped(slot, exit.atMs, exit);
      this.emit();
      return;
    }
    slot.running = false;
    cancelTimers(slot);
    const ranMs = exit.atMs - (slot.startedAtMs ?? exit.atMs);
    this.ended(slot, { kind: 'exit', exit }, ranMs);
  }

  private markStopped(slot: ModuleSlot, atMs: number, exit: ModuleExit | undefined): void {
    slot.running = false;
    slot.cancelHealthy?.();
    slot.cancelHealthy = undefined;
    const runtime: ModuleRuntime = { ...slot.runtime, runtimeStatus: 'stopped', lastExitTimeUtc: iso(atMs) };
    if (exit) runtime.exitCode = reportedExitCode(exit);
    delete runtime.statusDescription;
    slot.runtime = runtime;
  }

  /** Records how a run ended and, when it is restarted, schedules the restart after its cool-off. */
  private ended(slot: ModuleSlot, ending: Ending, ranMs?: number): void {
    const outcome = exitOutcome({ policy: slot.spec.restartPolicy, runtime: slot.runtime, ending, ranMs, backoff: this.backoff });
    slot.runtime = outcome.runtime;
    this.log(`module ${slot.spec.name}: ${outcome.runtime.statusDescription ?? outcome.runtime.runtimeStatus}`);
    const waitMs = outcome.restartInMs;
    if (waitMs !== undefined && !this.closed) {
      slot.cancelRestart = this.clock.setTimer(() => {
        slot.cancelRestart = undefined;
        slot.startDue = true;
        slot.restartDue = true;
        this.schedule();
      }, waitMs);
    }
    this.emit();
  }

  private pollHealth(): void {
    const ms = this.options.healthPollMs ?? 10_000;
    this.cancelHealthPoll = this.clock.setTimer(() => {
      void this.readHealth().finally(() => {
        if (!this.closed) this.pollHealth();
      });
    }, ms);
  }

  private async readHealth(): Promise<void> {
    for (const slot of this.slots.values()) {
      const handle = slot.handle;
      if (!handle || !slot.running || slot.stopping) continue;
      let unhealthy: boolean;
      try {
        unhealthy = await this.backend.isUnhealthy!(handle);
      } catch {
        continue; // it may be exiting; the exit event tells
      }
      if (slot.handle !== handle || !slot.running) continue;
      if (unhealthy && (slot.spec.restartPolicy === 'on-unhealthy' || slot.spec.restartPolicy === 'always')) {
        slot.unhealthyRestart = true;
        this.schedule();
      } else if (unhealthy !== (slot.runtime.runtimeStatus === 'unhealthy')) {
        slot.runtime = { ...slot.runtime, runtimeStatus: unhealthy ? 'unhealthy' : 'running' };
        this.emit();
      }
    }
  }

  private slotOf(handle: ModuleHandle): ModuleSlot | undefined {
    for (const slot of this.slots.values()) if (slot.handle === handle) return slot;
    for (const slot of this.slots.values()) if (slot.handle?.id === handle.id) return slot;
    return undefined;
  }

  /** Ascending startupOrder, then name, so equal orders start in a stable order. */
  private ordered(): ModuleSlot[] {
    return [...this.slots.values()].sort((a, b) => a.spec.startupOrder - b.spec.startupOrder || (a.spec.name < b.spec.name ? -1 : a.spec.name > b.spec.name ? 1 : 0));
  }

  private emit(): void {
    const states = this.states();
    const text = JSON.stringify(states);
    if (text === this.lastEmitted) return;
    this.lastEmitted = text;
    try {
      this.options.onState?.(states);
    } catch (error) {
      this.log(`reporting module states failed: ${(error as Error).message}`);
    }
  }
}

function newSlot(spec: ModuleSpec): ModuleSlot {
  return { spec, runtime: { runtimeStatus: 'unknown', restartCount: 0 }, running: false, stopping: false, startDue: true, restartDue: false, unhealthyRestart: false };
}

/** Consecutive slots of equal startupOrder, in the order given. */
function startupGroups(slots: ModuleSlot[]): ModuleSlot[][] {
  const groups: ModuleSlot[][] = [];
  for (const slot of slots) {
    const last = groups.at(-1);
    if (last && last[0]!.spec.startupOrder === slot.spec.startupOrder) last.push(slot);
    else groups.push([slot]);
  }
  return groups;
}

function cancelTimers(slot: ModuleSlot): void {
  slot.cancelRestart?.();
  slot.cancelRestart = undefined;
  slot.cancelHealthy?.();
  slot.cancelHealthy = undefined;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function describePlan(plan: ChangePlan): string {
  const parts = (['create', 'remove', 'recreate', 'startStop'] as const).filter((key) => plan[key].length > 0).map((key) => `${key === 'startStop' ? 'start/stop' : key} ${plan[key].join(', ')}`);
  return parts.length > 0 ? parts.join('; ') : 'nothing to change';
}
