// The reconciler against an in-memory backend and a manual clock: start order, desired status,
// removal, recreation of exactly what changed, each restart policy, edgeAgent's back-off
// (10 s doubling, capped at 5 minutes), a crash loop reported as such and given up on, and the
// restart count cleared after a healthy run. Time only moves when a test moves it.
import { afterEach, describe, expect, it } from 'vitest';
import type { ModuleLaunch, ModuleRuntime, ModuleSpec, RestartPolicy } from '../../../../src/runtime/agent/agent-types.js';
import type { CrashBackoff } from '../../../../src/runtime/agent/crash-backoff.js';
import { deploymentFromDesired } from '../../../../src/runtime/agent/deployment.js';
import { Reconciler } from '../../../../src/runtime/agent/reconciler.js';
import { FakeBackend, FakeHealthBackend } from './fake-backend.js';
import { ManualClock } from './manual-clock.js';

interface ModuleInput {
  status?: 'running' | 'stopped';
  restartPolicy?: RestartPolicy;
  startupOrder?: number;
  image?: string;
  env?: Record<string, string>;
}

function deployment(modules: Record<string, ModuleInput>, version = 1) {
  const desired = {
    schemaVersion: '1.1',
    runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25' } },
    systemModules: {
      edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
      edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
    },
    modules: Object.fromEntries(
      Object.entries(modules).map(([name, module]) => [
        name,
        {
          type: 'docker',
          status: module.status ?? 'running',
          restartPolicy: module.restartPolicy ?? 'always',
          ...(module.startupOrder === undefined ? {} : { startupOrder: module.startupOrder }),
          settings: { image: module.image ?? `localhost/${name}:1` },
          env: Object.fromEntries(Object.entries(module.env ?? {}).map(([key, value]) => [key, { value }])),
        },
      ]),
    ),
  };
  return deploymentFromDesired(desired, version);
}

const open: Reconciler[] = [];

afterEach(async () => {
  for (const reconciler of open.splice(0)) await reconciler.close({ stopModules: false });
});

function setup({ backend: makeBackend, backoff }: { backend?: (now: () => number) => FakeBackend; backoff?: Partial<CrashBackoff> } = {}) {
  let reconciler: Reconciler | undefined;
  const clock = new ManualClock(async () => reconciler?.idle());
  const backend = makeBackend ? makeBackend(() => clock.now()) : new FakeBackend(() => clock.now());
  const reports: Record<string, ModuleRuntime>[] = [];
  const removed: string[] = [];
  const log: string[] = [];
  const launchOf = (spec: ModuleSpec): ModuleLaunch => ({
    spec,
    env: { ...spec.env, IOTEDGE_MODULEID: spec.name },
    workloadSocket: `/run/edgewise/workload/${spec.name}.sock`,
    logFile: `/var/edgewise/logs/${spec.name}.log`,
  });
  reconciler = new Reconciler({ backend, clock, launchOf, onState: (states) => reports.push(states), onRemoved: (name) => removed.push(name), log: (line) => log.push(line), backoff });
  open.push(reconciler);
  const state = (name: string): ModuleRuntime => reconciler!.states()[name]!;
  return { reconciler, clock, backend, reports, removed, log, state };
}

/** Lets promise chains that the fake backend resolves run to their end. */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;

describe('Reconciler: what runs', () => {
  it('starts modules in ascending startupOrder, each after the one before has started', async () => {
    const { reconciler, backend } = setup();
    const gates = new Map<string, () => void>();
    backend.startGate = (name) => new Promise<void>((resolve) => gates.set(name, resolve));
    const release = (name: string) => {
      const resolve = gates.get(name);
      if (!resolve) throw new Error(`${name} was not started; calls: ${backend.calls.join(', ')}`);
      resolve();
    };
    const applied = reconciler.apply(deployment({ last: {}, second: { startupOrder: 2 }, first: { startupOrder: 0 }, also2: { startupOrder: 2 } }));
    try {
      await flush();
      expect(backend.calls).toEqual(['create first', 'start first']);
      release('first');
      await flush();
      expect(backend.calls.slice(2)).toEqual(['create also2', 'start also2']);
      release('also2');
      await flush();
      release('second');
      await flush();
      release('last');
      await applied;
    } finally {
      backend.startGate = undefined;
      for (const resolve of gates.values()) resolve(); // a failed expectation must not leave a start hanging
    }
    expect(backend.calls.filter((call) => call.startsWith('start'))).toEqual(['start first', 'start also2', 'start second', 'start last']);
  });

  it('reports each started module as running since the clock time it started', async () => {
    const { reconciler, clock, state, reports } = setup();
    await reconciler.apply(deployment({ sensor: {} }));
    expect(state('sensor')).toEqual({ runtimeStatus: 'running', restartCount: 0, lastStartTimeUtc: new Date(clock.now()).toISOString() });
    expect(reports.at(-1)?.sensor?.runtimeStatus).toBe('running');
  });

  it('passes the launch the agent computed to the backend', async () => {
    const { reconciler, backend } = setup();
    await reconciler.apply(deployment({ sensor: { env: { LOG_LEVEL: 'debug' } } }));
    expect(backend.launchOf('sensor')).toMatchObject({ env: { LOG_LEVEL: 'debug', IOTEDGE_MODULEID: 'sensor' }, workloadSocket: '/run/edgewise/workload/sensor.sock' });
  });

  it('creates a stopped module without starting it, then starts the same one when its status turns running', async () => {
    const { reconciler, backend, state } = setup();
    await reconciler.apply(deployment({ archiver: { status: 'stopped' } }));
    expect(backend.takeCalls()).toEqual(['create archiver']);
    expect(state('archiver').runtimeStatus).toBe('stopped');
    const handle = reconciler.handleOf('archiver');
    await reconciler.apply(deployment({ archiver: { status: 'running' } }, 2));
    expect(backend.takeCalls()).toEqual(['start archiver']);
    expect(reconciler.handleOf('archiver')).toBe(handle);
    expect(state('archiver').runtimeStatus).toBe('running');
  });

  it('stops a module whose status turns stopped and does not restart it', async () => {
    const { reconciler, backend, clock, state } = setup();
    await reconciler.apply(deployment({ sensor: {} }));
    backend.takeCalls();
    await reconciler.apply(deployment({ sensor: { status: 'stopped' } }, 2));
    expect(backend.takeCalls()).toEqual(['stop sensor']);
    expect(state('sensor')).toMatchObject({ runtimeStatus: 'stopped', exitCode: 143 });
    await clock.advance(30 * MINUTE);
    expect(backend.takeCalls()).toEqual([]);
  });

  it('stops and removes a module removed from the deployment', async () => {
    const { reconciler, backend, removed } = setup();
    await reconciler.apply(deployment({ sensor: {}, filter: {} }));
    backend.takeCalls();
    await reconciler.apply(deployment({ filter: {} }, 2));
    expect(backend.takeCalls()).toEqual(['stop sensor', 'remove sensor']);
    expect(Object.keys(reconciler.states())).toEqual(['filter']);
    expect(removed).toEqual(['sensor']);
  });

  it('recreates a module whose env changed and leaves the others running as they were', async () => {
    const { reconciler, backend } = setup();
    await reconciler.apply(deployment({ sensor: { env: { LOG_LEVEL: 'info' } }, filter: {} }));
    const filterHandle = reconciler.handleOf('filter');
    const sensorHandle = reconciler.handleOf('sensor');
    backend.takeCalls();
    await reconciler.apply(deployment({ sensor: { env: { LOG_LEVEL: 'debug' } }, filter: {} }, 2));
    expect(backend.takeCalls()).toEqual(['stop sensor', 'remove sensor', 'create sensor', 'start sensor']);
    expect(reconciler.handleOf('filter')).toBe(filterHandle);
    expect(reconciler.handleOf('sensor')).not.toBe(sensorHandle);
    expect(backend.launchOf('sensor')?.env.LOG_LEVEL).toBe('debug');
  });

  it('changes nothing when a new version of the deployment means the same', async () => {
    const { reconciler, backend } = setup();
    await reconciler.apply(deployment({ sensor: {} }));
    backend.takeCalls();
    await reconciler.apply(deployment({ sensor: {} }, 2));
    expect(backend.takeCalls()).toEqual([]);
    expect(reconciler.currentDeployment()?.version).toBe(2);
  });

  it('removes what an earlier run left behind before creating anything', async () => {
    const { reconciler, backend } = setup();
    backend.leftovers = [{ name: 'sensor', handle: { id: 'old-sensor' }, running: true }];
    backend.stop = async (handle) => {
      backend.calls.push(`stop ${handle.id}`);
    };
    await reconciler.apply(deployment({ sensor: {} }));
    expect(backend.calls).toEqual(['stop old-sensor', 'remove sensor', 'create sensor', 'start sensor']);
  });

  it('stops running modules on close, last started first, without removing them', async () => {
    const { reconciler, backend, clock } = setup();
    await reconciler.apply(deployment({ a: { startupOrder: 0 }, b: { startupOrder: 1 }, c: { status: 'stopped' } }));
    backend.takeCalls();
    await reconciler.close();
    expect(backend.takeCalls()).toEqual(['stop b', 'stop a']);
    await clock.advance(10 * MINUTE);
    expect(backend.takeCalls()).toEqual([]);
  });
});

describe('Reconciler: close', () => {
  it('stops the modules of one startupOrder together, and the later orders first', async () => {
    const { reconciler, backend } = setup();
    await reconciler.apply(deployment({ a: { startupOrder: 0 }, b: { startupOrder: 1 }, c: { startupOrder: 1 } }));
    backend.takeCalls();
    const pending = new Map<string, () => void>();
    backend.stop = (handle) => {
      backend.calls.push(`stop ${handle.id.split('-')[0]}`);
      return new Promise<void>((resolve) => pending.set(handle.id.split('-')[0]!, resolve));
    };
    const closed = reconciler.close();
    await flush();
    expect(backend.calls).toEqual(['stop b', 'stop c']);
    pending.get('b')!();
    await flush();
    expect(backend.calls).toEqual(['stop b', 'stop c']);
    pending.get('c')!();
    await flush();
    expect(backend.calls).toEqual(['stop b', 'stop c', 'stop a']);
    pending.get('a')!();
    await closed;
  });
});

describe('Reconciler: restart policies', () => {
  it.each<[RestartPolicy, number | null, string | null, boolean, ModuleRuntime['runtimeStatus'], number]>([
    ['always', 0, null, true, 'backoff', 0],
    ['always', 3, null, true, 'backoff', 3],
    ['on-failure', 0, null, false, 'stopped', 0],
    ['on-failure', 2, null, true, 'backoff', 2],
    ['on-failure', null, 'SIGKILL', true, 'backoff', 137],
    ['on-unhealthy', 0, null, false, 'stopped', 0],
    ['on-unhealthy', 1, null, true, 'backoff', 1],
    ['never', 1, null, false, 'failed', 1],
    ['never', 0, null, false, 'stopped', 0],
  ])('%s, exit code %s signal %s: restarted %s', async (policy, code, signal, restarted, status, exitCode) => {
    const { reconciler, backend, clock, state } = setup();
    await reconciler.apply(deployment({ worker: { restartPolicy: policy } }));
    backend.takeCalls();
    await clock.advance(5 * SECOND);
    backend.crash('worker', code, signal);
    await reconciler.idle();
    expect(state('worker')).toMatchObject({ runtimeStatus: status, exitCode, lastExitTimeUtc: new Date(clock.now()).toISOString() });
    await clock.advance(10 * SECOND);
    expect(backend.takeCalls()).toEqual(restarted ? ['start worker'] : []);
    expect(backend.isRunning('worker')).toBe(restarted);
    if (restarted) expect(state('worker')).toMatchObject({ runtimeStatus: 'running', restartCount: 1, lastRestartTimeUtc: new Date(clock.now()).toISOString() });
    await clock.advance(60 * MINUTE);
    expect(backend.takeCalls()).toEqual([]);
  });

  it('restarts an on-unhealthy module its health check calls unhealthy, after the cool-off', async () => {
    const { reconciler, backend, clock, state } = setup({ backend: (now) => new FakeHealthBackend(now) });
    const health = backend as FakeHealthBackend;
    await reconciler.apply(deployment({ probe: { restartPolicy: 'on-unhealthy' } }));
    backend.takeCalls();
    health.unhealthy.add('probe');
    await clock.advance(10 * SECOND); // the health poll
    expect(backend.takeCalls()).toEqual(['stop probe']);
    expect(state('probe')).toMatchObject({ runtimeStatus: 'backoff', statusDescription: 'its health check says unhealthy; restarting in 10 s' });
    health.unhealthy.delete('probe');
    await clock.advance(10 * SECOND);
    expect(backend.takeCalls()).toEqual(['start probe']);
    expect(state('probe')).toMatchObject({ runtimeStatus: 'running', restartCount: 1 });
  });

  it('reports an unhealthy on-failure module as unhealthy without restarting it, and running again when healthy', async () => {
    const { reconciler, backend, clock, state } = setup({ backend: (now) => new FakeHealthBackend(now) });
    const health = backend as FakeHealthBackend;
    await reconciler.apply(deployment({ probe: { restartPolicy: 'on-failure' } }));
    backend.takeCalls();
    health.unhealthy.add('probe');
    await clock.advance(10 * SECOND);
    expect(state('probe').runtimeStatus).toBe('unhealthy');
    expect(backend.takeCalls()).toEqual([]);
    health.unhealthy.delete('probe');
    await clock.advance(10 * SECOND);
    expect(state('probe').runtimeStatus).toBe('running');
  });
});

describe('Reconciler: crash-loop back-off', () => {
  it('waits 10 s, then twice as long after each restart, capped at 5 minutes', async () => {
    const { reconciler, backend, clock, state } = setup();
    await reconciler.apply(deployment({ crashy: {} }));
    const waits: number[] = [];
    for (let restart = 0; restart < 8; restart++) {
      backend.crash('crashy', 1);
      await reconciler.idle();
      const [wait] = clock.pendingDelays();
      waits.push(wait!);
      await clock.advance(wait! - 1);
      expect(backend.isRunning('crashy')).toBe(false);
      expect(state('crashy').runtimeStatus).toBe('backoff');
      await clock.advance(1);
      expect(backend.isRunning('crashy')).toBe(true);
      expect(state('crashy').restartCount).toBe(restart + 1);
    }
    expect(waits.map((ms) => ms / SECOND)).toEqual([10, 20, 40, 80, 160, 300, 300, 300]);
  });

  it('reports a crash loop as such and gives up after the last restart', async () => {
    const { reconciler, backend, clock, state } = setup({ backoff: { minMs: SECOND, maxMs: 4 * SECOND, maxRestarts: 3 } });
    await reconciler.apply(deployment({ crashy: {} }));
    backend.crash('crashy', 1);
    await reconciler.idle();
    expect(state('crashy').statusDescription).toBe('exited with code 1; restarting in 1 s');
    await clock.advance(SECOND);
    backend.crash('crashy', 1);
    await reconciler.idle();
    expect(state('crashy')).toMatchObject({ runtimeStatus: 'backoff', restartCount: 1, statusDescription: 'crash loop: exited with code 1 (restarted 1 time); restarting in 2 s' });
    await clock.advance(2 * SECOND);
    backend.crash('crashy', 1);
    await reconciler.idle();
    await clock.advance(4 * SECOND);
    backend.crash('crashy', 1);
    await reconciler.idle();
    expect(state('crashy')).toMatchObject({ runtimeStatus: 'failed', restartCount: 3, exitCode: 1 });
    expect(state('crashy').statusDescription).toMatch(/^crash loop: exited with code 1 after 3 restarts; no more restarts/);
    backend.takeCalls();
    await clock.advance(60 * MINUTE);
    expect(backend.takeCalls()).toEqual([]);
  });

  it('clears the restart count once a module has run for 10 minutes', async () => {
    const { reconciler, backend, clock, state } = setup();
    await reconciler.apply(deployment({ crashy: {} }));
    backend.crash('crashy', 1);
    await clock.advance(10 * SECOND);
    backend.crash('crashy', 1);
    await clock.advance(20 * SECOND);
    expect(state('crashy').restartCount).toBe(2);
    await clock.advance(10 * MINUTE - 1);
    expect(state('crashy').restartCount).toBe(2);
    await clock.advance(1);
    expect(state('crashy').restartCount).toBe(0);
    expect(state('crashy').lastRestartTimeUtc).toBeUndefined();
    backend.crash('crashy', 1);
    await reconciler.idle();
    expect(clock.pendingDelays()).toEqual([10 * SECOND]);
  });

  it('forgets the restart count when the desired status changes', async () => {
    const { reconciler, backend, clock, state } = setup();
    await reconciler.apply(deployment({ crashy: {} }));
    backend.crash('crashy', 1);
    await clock.advance(10 * SECOND);
    backend.crash('crashy', 1);
    await reconciler.idle();
    await reconciler.apply(deployment({ crashy: { status: 'stopped' } }, 2));
    expect(state('crashy')).toMatchObject({ runtimeStatus: 'stopped', restartCount: 0 });
    expect(clock.pendingDelays()).toEqual([]);
    await reconciler.apply(deployment({ crashy: {} }, 3));
    expect(state('crashy')).toMatchObject({ runtimeStatus: 'running', restartCount: 0 });
  });

  it('retries a module the backend could not create, with the same back-off', async () => {
    const { reconciler, backend, clock, state } = setup();
    backend.refuseCreate.add('ghost');
    await reconciler.apply(deployment({ ghost: {} }));
    expect(state('ghost')).toMatchObject({ runtimeStatus: 'backoff' });
    expect(state('ghost').statusDescription).toMatch(/^could not be created: module ghost has no entry in modules\.yaml; add modules\.ghost\.command; restarting in 10 s$/);
    backend.refuseCreate.delete('ghost');
    backend.takeCalls();
    await clock.advance(10 * SECOND);
    expect(backend.takeCalls()).toEqual(['create ghost', 'start ghost']);
    expect(state('ghost').runtimeStatus).toBe('running');
  });

  it('counts each failed create retry, so its cool-off grows and the retries end as failed', async () => {
    const { reconciler, backend, clock, state } = setup({ backoff: { maxRestarts: 4 } });
    backend.refuseCreate.add('ghost');
    await reconciler.apply(deployment({ ghost: {} }));
    const delays: number[] = [];
    for (let retry = 0; retry < 4; retry++) {
      delays.push(clock.pendingDelays()[0]!);
      await clock.advance(clock.pendingDelays()[0]!);
    }
    expect(delays).toEqual([10 * SECOND, 20 * SECOND, 40 * SECOND, 80 * SECOND]);
    expect(state('ghost')).toMatchObject({ runtimeStatus: 'failed', restartCount: 4 });
    expect(state('ghost').lastRestartTimeUtc).toBe(new Date(clock.now()).toISOString());
    expect(clock.pendingDelays()).toEqual([]);
    expect(backend.calls.filter((call) => call === 'create ghost')).toHaveLength(5);
  });

  it('does not restart a module that a recreate replaced when the old one exits', async () => {
    const { reconciler, backend, clock } = setup();
    await reconciler.apply(deployment({ sensor: { image: 'localhost/sensor:1' } }));
    await reconciler.apply(deployment({ sensor: { image: 'localhost/sensor:2' } }, 2));
    backend.takeCalls();
    await clock.advance(10 * MINUTE);
    expect(backend.takeCalls()).toEqual([]);
    expect(reconciler.states().sensor?.runtimeStatus).toBe('running');
  });
});
