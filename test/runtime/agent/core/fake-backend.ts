// A module backend in memory for the reconciler's tests: it records every call, lets a test
// crash a module with any exit code or signal, hold a start open, refuse a create, or mark a
// module unhealthy; exits carry the manual clock's time.
import type { ModuleBackend, ModuleExit, ModuleHandle, ModuleLaunch } from '../../../../src/runtime/agent/agent-types.js';
import { ModuleBackendError } from '../../../../src/runtime/agent/agent-types.js';

interface FakeModule {
  name: string;
  handle: ModuleHandle;
  launch: ModuleLaunch;
  running: boolean;
}

type ExitListener = (handle: ModuleHandle, exit: ModuleExit) => void;

export class FakeBackend implements ModuleBackend {
  readonly name = 'process' as const;
  /** Every call in order: "create sensor", "start sensor", "stop sensor", "remove sensor". */
  readonly calls: string[] = [];
  readonly refuseCreate = new Set<string>();
  /** Modules found "from an earlier run" by list(). */
  leftovers: { name: string; handle: ModuleHandle; running: boolean }[] = [];
  /** When set, start() waits for the promise this returns. */
  startGate: ((name: string) => Promise<void>) | undefined;
  private readonly modules = new Map<ModuleHandle, FakeModule>();
  private readonly listeners = new Set<ExitListener>();
  private sequence = 0;

  constructor(private readonly now: () => number) {}

  async create(launch: ModuleLaunch): Promise<ModuleHandle> {
    const name = launch.spec.name;
    this.calls.push(`create ${name}`);
    if (this.refuseCreate.has(name)) throw new ModuleBackendError(`module ${name} has no entry in modules.yaml; add modules.${name}.command`);
    const handle = { id: `${name}-${++this.sequence}` };
    this.modules.set(handle, { name, handle, launch, running: false });
    return handle;
  }

  async start(handle: ModuleHandle): Promise<void> {
    const module = this.get(handle);
    this.calls.push(`start ${module.name}`);
    if (this.startGate) await this.startGate(module.name);
    module.running = true;
  }

  async stop(handle: ModuleHandle): Promise<void> {
    const module = this.get(handle);
    this.calls.push(`stop ${module.name}`);
    if (!module.running) return;
    module.running = false;
    this.emit(handle, { code: null, signal: 'SIGTERM', atMs: this.now() });
  }

  async remove(handle: ModuleHandle): Promise<void> {
    this.calls.push(`remove ${this.leftovers.find((found) => found.handle === handle)?.name ?? this.get(handle).name}`);
    this.modules.delete(handle);
  }

  onExit(listener: ExitListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<{ name: string; handle: ModuleHandle; running: boolean }[]> {
    return this.leftovers;
  }

  async close(): Promise<void> {}

  /** The module exits by itself. */
  crash(name: string, code: number | null = 1, signal: string | null = null): void {
    const module = this.find(name);
    if (!module?.running) throw new Error(`${name} is not running`);
    module.running = false;
    this.emit(module.handle, { code, signal, atMs: this.now() });
  }

  isRunning(name: string): boolean {
    return this.find(name)?.running ?? false;
  }

  launchOf(name: string): ModuleLaunch | undefined {
    return this.find(name)?.launch;
  }

  /** Calls since the last `takeCalls`. */
  takeCalls(): string[] {
    return this.calls.splice(0);
  }

  private find(name: string): FakeModule | undefined {
    return [...this.modules.values()].find((module) => module.name === name);
  }

  private get(handle: ModuleHandle): FakeModule {
    const module = this.modules.get(handle);
    if (!module) throw new Error(`unknown handle ${handle.id}`);
    return module;
  }

  private emit(handle: ModuleHandle, exit: ModuleExit): void {
    for (const listener of this.listeners) listener(handle, exit);
  }
}

/** A backend with health checks, as docker has: a test marks a running module unhealthy. */
export class FakeHealthBackend extends FakeBackend {
  readonly unhealthy = new Set<string>();
  private readonly names = new Map<string, string>();

  override async create(launch: ModuleLaunch): Promise<ModuleHandle> {
    const handle = await super.create(launch);
    this.names.set(handle.id, launch.spec.name);
    return handle;
  }

  async isUnhealthy(handle: ModuleHandle): Promise<boolean> {
    return this.unhealthy.has(this.names.get(handle.id) ?? '');
  }
}
