// The agent on the process backend, end to end: the hub and the agent in this process (startEdge),
// the emulator as the cloud, real child processes as modules. The first deployment starts the
// modules in ascending startupOrder, applies each restart policy (a module that keeps exiting is
// a crash loop, restarted after a back-off), leaves a stopped module stopped, and reports every
// module's runtime state in the $edgeAgent twin the cloud holds. A
// deployment then applied in the cloud (applyConfigurationContent, what `edgewise cloud deploy`
// calls) recreates exactly the modules `edgewise diff` classes as recreate, starts and stops by
// status, removes what it dropped (with its identity in the cloud), and leaves every other
// module's process as it was (same pid).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diff } from '../../../../src/index.js';
import type { ModuleCommand } from '../../../../src/runtime/agent/process/modules-file.js';
import { deploymentManifest, EDGE, removeTempFolders, reportedModule, shellModule, startEdgeScenario, tempFolder, waitFor, writeJson, type EdgeScenario, type ModuleDefinition } from './edge-support.js';
import { isAlive } from '../../../support/proc-stat.js';

const ADDRESS = '127.0.14.1';

const FIRST: Record<string, ModuleDefinition> = {
  // Names in the opposite order of their startupOrder, so that a start by name would show.
  zeta: { startupOrder: 0 },
  alpha: { startupOrder: 5, env: { MODE: 'one' } },
  beta: { startupOrder: 10 },
  paused: { status: 'stopped' },
  flaky: { restartPolicy: 'on-failure' },
  careful: { restartPolicy: 'on-unhealthy' },
  once: { restartPolicy: 'on-failure' },
  never: { restartPolicy: 'never' },
  repeater: { restartPolicy: 'always' },
};

const SECOND: Record<string, ModuleDefinition> = {
  zeta: { startupOrder: 0 },
  alpha: { startupOrder: 5, env: { MODE: 'two' } },
  beta: { startupOrder: 10, status: 'stopped' },
  paused: { status: 'running' },
  careful: { restartPolicy: 'on-unhealthy' },
  once: { restartPolicy: 'on-failure' },
  never: { restartPolicy: 'never' },
  fresh: {},
};

let scenario: EdgeScenario;
let folder: string;

beforeAll(async () => {
  folder = tempFolder('edgewise-reconcile-');
  const sleeper = shellModule('exec sleep 1000', folder);
  const modules: Record<string, ModuleCommand> = {
    zeta: sleeper,
    alpha: sleeper,
    beta: sleeper,
    paused: sleeper,
    fresh: sleeper,
    // Fails once (exit 3), then runs: on-failure restarts it once.
    flaky: shellModule('if [ -e flaky.ran ]; then exec sleep 1000; fi; touch flaky.ran; exit 3', folder),
    // The same with on-unhealthy: a process has no health check, so a crash is what restarts it.
    careful: shellModule('if [ -e careful.ran ]; then exec sleep 1000; fi; touch careful.ran; exit 4', folder),
    // A clean exit: on-failure does not restart it.
    once: shellModule('exit 0', folder),
    // A crash: never does not restart it.
    never: shellModule('exit 5', folder),
    // A clean exit: always restarts it, again and again.
    repeater: shellModule('exit 0', folder),
  };
  scenario = await startEdgeScenario({ address: ADDRESS, manifest: deploymentManifest(FIRST), modules });
});

afterAll(async () => {
  await scenario?.close();
  removeTempFolders();
});

describe('the agent with the process backend', () => {
  it('starts the modules in startupOrder, applies each restart policy, and reports their states in the cloud twin', async () => {
    const reported = await waitFor('the cloud twin to report every module as the first deployment leaves it', async () => {
      const now = await scenario.reported();
      const status = (name: string) => reportedModule(now, name)?.runtimeStatus;
      const ready =
        ['zeta', 'alpha', 'beta'].every((name) => status(name) === 'running') &&
        status('paused') === 'stopped' &&
        status('flaky') === 'running' &&
        status('careful') === 'running' &&
        status('once') === 'stopped' &&
        status('never') === 'failed' &&
        // A crash loop: restarted again and again, waiting out a back-off between runs.
        Number(reportedModule(now, 'repeater')?.restartCount ?? 0) >= 2 &&
        status('repeater') === 'backoff';
      return ready ? now : undefined;
    });
    const log = scenario.agentLog;
    const startedAt = (name: string) => log.indexOf(`started module ${name}`);
    expect(startedAt('zeta')).toBeGreaterThanOrEqual(0);
    expect(startedAt('zeta')).toBeLessThan(startedAt('alpha'));
    expect(startedAt('alpha')).toBeLessThan(startedAt('beta'));
    // Modules without a startupOrder start last.
    for (const name of ['flaky', 'careful', 'once', 'never', 'repeater']) expect(startedAt(name)).toBeGreaterThan(startedAt('beta'));

    expect(reportedModule(reported, 'zeta')).toMatchObject({ status: 'running', restartPolicy: 'always', startupOrder: 0, restartCount: 0, settings: { image: 'example.azurecr.io/zeta:1.0' } });
    expect(reportedModule(reported, 'alpha')).toMatchObject({ env: { MODE: { value: 'one' } } });
    expect(reportedModule(reported, 'paused')).toMatchObject({ status: 'stopped', runtimeStatus: 'stopped', lastStartTimeUtc: '0001-01-01T00:00:00Z' });
    expect(reportedModule(reported, 'flaky')).toMatchObject({ restartPolicy: 'on-failure', runtimeStatus: 'running', exitCode: 3, restartCount: 1 });
    expect(reportedModule(reported, 'careful')).toMatchObject({ restartPolicy: 'on-unhealthy', runtimeStatus: 'running', exitCode: 4, restartCount: 1 });
    expect(reportedModule(reported, 'repeater')).toMatchObject({ restartPolicy: 'always', runtimeStatus: 'backoff', exitCode: 0, statusDescription: expect.stringMatching(/^crash loop: exited with code 0 \(restarted \d+ times?\); restarting in [\d.]+ s$/) });
    expect(reportedModule(reported, 'once')).toMatchObject({ runtimeStatus: 'stopped', exitCode: 0, restartCount: 0 });
    expect(reportedModule(reported, 'never')).toMatchObject({ runtimeStatus: 'failed', exitCode: 5, restartCount: 0 });
    // The cloud holds the manifest's deployment, so the agent reports that twin version as applied.
    const desiredVersion = (await scenario.cloud.client.getTwin(EDGE, '$edgeAgent')).properties.desired.$version;
    await waitFor('lastDesiredVersion to be the twin version', async () => (await scenario.reported()).lastDesiredVersion === desiredVersion);
    expect(reported).toMatchObject({ schemaVersion: '1.0', lastDesiredStatus: { code: 200 }, systemModules: { edgeHub: { runtimeStatus: 'running' } } });

    for (const name of ['zeta', 'alpha', 'beta', 'flaky', 'careful']) expect(isAlive(scenario.pidOf(name))).toBe(true);
    expect(scenario.pidOf('paused')).toBeUndefined();
    // Every module of the deployment has its identity in the cloud.
    const identities = (await scenario.cloud.client.listModules(EDGE)).map((module) => module.moduleId);
    expect(identities).toEqual(expect.arrayContaining(Object.keys(FIRST)));
  });

  it("applies a deployment from the cloud: recreates exactly what edgewise diff says, starts and stops by status, removes what it dropped, and leaves the others' processes", async () => {
    const before = Object.fromEntries(Object.keys(FIRST).map((name) => [name, scenario.pidOf(name)]));
    const firstManifest = deploymentManifest(FIRST);
    const secondManifest = deploymentManifest(SECOND);
    const report = await diff(writeJson(folder, 'first.json', firstManifest), writeJson(folder, 'second.json', secondManifest));
    const impactOf = (name: string) => report.groups.find((group) => group.section === 'module' && group.module === name)?.impact;
    const recreated = report.groups.filter((group) => group.section === 'module' && group.impact === 'recreate').map((group) => group.module);
    expect(recreated).toEqual(['alpha']);

    await scenario.deploy(secondManifest);
    const version = (await scenario.cloud.client.getTwin(EDGE, '$edgeAgent')).properties.desired.$version;
    const reported = await waitFor('the second deployment to be reported', async () => {
      const now = await scenario.reported();
      const status = (name: string) => reportedModule(now, name)?.runtimeStatus;
      const ready = now.lastDesiredVersion === version && status('fresh') === 'running' && status('paused') === 'running' && status('beta') === 'stopped' && status('alpha') === 'running';
      return ready ? now : undefined;
    });

    // Recreated: a new process with the new env.
    const alpha = scenario.pidOf('alpha');
    expect(alpha).not.toBe(before.alpha);
    expect(isAlive(alpha)).toBe(true);
    expect(isAlive(before.alpha)).toBe(false);
    expect(reportedModule(reported, 'alpha')).toMatchObject({ env: { MODE: { value: 'two' } }, restartCount: 0 });
    // Unchanged by the deployment (diff: no recreate), running before and after: the same process.
    expect(impactOf('zeta')).toBeUndefined();
    expect(scenario.pidOf('zeta')).toBe(before.zeta);
    expect(isAlive(before.zeta)).toBe(true);
    // Status changes, in place.
    expect(impactOf('beta')).toBe('stop-start');
    expect(isAlive(before.beta)).toBe(false);
    expect(reportedModule(reported, 'beta')).toMatchObject({ status: 'stopped', runtimeStatus: 'stopped' });
    expect(impactOf('paused')).toBe('stop-start');
    expect(isAlive(scenario.pidOf('paused'))).toBe(true);
    // Removed: the processes are gone, and so are their reports and their identities in the cloud.
    for (const name of ['flaky', 'repeater']) {
      expect(impactOf(name)).toBe('remove');
      expect(isAlive(before[name])).toBe(false);
      expect(scenario.pidOf(name)).toBeUndefined();
      expect(reportedModule(reported, name)).toBeUndefined();
    }
    const identities = (await scenario.cloud.client.listModules(EDGE)).map((module) => module.moduleId);
    expect(identities).not.toContain('flaky');
    expect(identities).not.toContain('repeater');
    expect(identities).toContain('fresh');
    // Created.
    expect(impactOf('fresh')).toBe('create');
    expect(isAlive(scenario.pidOf('fresh'))).toBe(true);
    // Modules that ended before and are unchanged are left alone (not run again).
    expect(reportedModule(reported, 'once')).toMatchObject({ runtimeStatus: 'stopped', exitCode: 0 });
    expect(reportedModule(reported, 'never')).toMatchObject({ runtimeStatus: 'failed', exitCode: 5 });
  });
});
