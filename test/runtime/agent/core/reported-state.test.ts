// The $edgeAgent reported properties in edgeAgent's shape (IoTHubReporter / AgentState /
// DockerRuntimeModule), and the patches that keep the cloud twin in step: only what changed, and
// null for a removed module so the twin forgets it.
import { describe, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { deploymentFromDesired, deploymentFromManifest } from '../../../../src/runtime/agent/deployment.js';
import { reportedPatch } from '../../../../src/runtime/agent/reported-patch.js';
import { NEVER_UTC, reportedState } from '../../../../src/runtime/agent/reported-state.js';
import { agentDesired, threeModules } from './three-modules.js';

const STARTED = '2024-01-15T08:00:00.000Z';

describe('reportedState', () => {
  it('reports each module as edgeAgent does: its definition plus its runtime state', async () => {
    const deployment = deploymentFromDesired(agentDesired(threeModules()), 4);
    const reported = reportedState(
      deployment,
      {
        sensor: { runtimeStatus: 'running', restartCount: 2, lastStartTimeUtc: STARTED, lastExitTimeUtc: '2024-01-15T07:59:50.000Z', exitCode: 1, lastRestartTimeUtc: STARTED },
        filter: { runtimeStatus: 'backoff', restartCount: 0, exitCode: 1, statusDescription: 'exited with code 1; restarting in 10 s', lastExitTimeUtc: STARTED },
      },
      { agentStartedAtMs: Date.parse(STARTED), hubStartedAtMs: Date.parse(STARTED), version: '0.1.0' },
    );
    expect(reported).toMatchObject({ schemaVersion: '1.0', lastDesiredVersion: 4, lastDesiredStatus: { code: 200, description: '' }, version: { version: '0.1.0' } });
    const modules = reported.modules as Record<string, Record<string, unknown>>;
    expect(modules.sensor).toEqual({
      version: '1.0',
      status: 'running',
      restartPolicy: 'always',
      imagePullPolicy: 'on-create',
      startupOrder: 1,
      type: 'docker',
      settings: { image: 'localhost/sensor:1.0', createOptions: '{"HostConfig":{"Binds":["/srv/sensor:/data"]}}' },
      env: { INTERVAL_MS: { value: '500' }, VERBOSE: { value: 'true' }, LOG_LEVEL: { value: 'info' } },
      exitCode: 1,
      lastStartTimeUtc: STARTED,
      lastExitTimeUtc: '2024-01-15T07:59:50.000Z',
      restartCount: 2,
      lastRestartTimeUtc: STARTED,
      runtimeStatus: 'running',
    });
    expect(modules.filter).toMatchObject({ runtimeStatus: 'backoff', statusDescription: 'exited with code 1; restarting in 10 s', lastStartTimeUtc: NEVER_UTC });
    // A module with no state yet, and edgeAgent's default startupOrder left out.
    expect(modules.archiver).toMatchObject({ runtimeStatus: 'unknown', status: 'stopped', restartCount: 0, exitCode: 0, lastExitTimeUtc: NEVER_UTC });
    expect(modules.archiver).not.toHaveProperty('startupOrder');
  });

  it('reports edgeAgent and edgeHub as running since this process started them', () => {
    const reported = reportedState(deploymentFromDesired(agentDesired(threeModules())), {}, { agentStartedAtMs: Date.parse(STARTED), hubStartedAtMs: Date.parse(STARTED) });
    const system = reported.systemModules as Record<string, Record<string, unknown>>;
    expect(system.edgeHub).toMatchObject({ runtimeStatus: 'running', status: 'running', restartPolicy: 'always', lastStartTimeUtc: STARTED, settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } });
    expect(system.edgeAgent).toMatchObject({ runtimeStatus: 'running', lastStartTimeUtc: STARTED });
    expect(system.edgeAgent).not.toHaveProperty('restartPolicy');
  });

  it('never reports registry credentials', () => {
    const desired = agentDesired(threeModules());
    desired.runtime.settings.registryCredentials = { acr: { username: 'u', password: 'hunter2-secret', address: 'x.azurecr.io' } };
    const reported = reportedState(deploymentFromDesired(desired), {});
    expect(JSON.stringify(reported)).not.toContain('hunter2-secret');
    expect(reported.runtime).toMatchObject({ type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '' }, platform: { os: process.platform, architecture: process.arch } });
  });

  it('chunks long createOptions at 512 characters as edgeAgent does', async () => {
    const manifest = threeModules();
    agentDesired(manifest).modules.sensor.settings.createOptions = JSON.stringify({ Labels: { note: 'x'.repeat(700) } });
    const reported = reportedState(deploymentFromManifest(await normalizeManifest(manifest)), {});
    const settings = (reported.modules as Record<string, Record<string, Record<string, string>>>).sensor!.settings!;
    expect(Object.keys(settings)).toEqual(['image', 'createOptions', 'createOptions01']);
    expect(settings.createOptions).toHaveLength(512);
    expect(JSON.parse(settings.createOptions! + settings.createOptions01!)).toEqual({ Labels: { note: 'x'.repeat(700) } });
  });

  it('reports a refused deployment with code 400 and the reason', () => {
    const reported = reportedState(deploymentFromDesired(agentDesired(threeModules())), {}, { status: { code: 400, description: 'module sensor has no settings.image' } });
    expect(reported.lastDesiredStatus).toEqual({ code: 400, description: 'module sensor has no settings.image' });
  });
});

describe('reportedPatch', () => {
  it('sends everything the first time, then only what changed', () => {
    const deployment = deploymentFromDesired(agentDesired(threeModules()), 1);
    const first = reportedState(deployment, { sensor: { runtimeStatus: 'running', restartCount: 0, lastStartTimeUtc: STARTED } });
    expect(reportedPatch(undefined, first)).toEqual(first);
    const second = reportedState(deployment, { sensor: { runtimeStatus: 'backoff', restartCount: 0, lastStartTimeUtc: STARTED, exitCode: 1, statusDescription: 'exited with code 1; restarting in 10 s' } });
    expect(reportedPatch(first, second)).toEqual({ modules: { sensor: { runtimeStatus: 'backoff', exitCode: 1, statusDescription: 'exited with code 1; restarting in 10 s' } } });
    expect(reportedPatch(second, second)).toEqual({});
  });

  it('deletes with null what is no longer reported: a removed module, a cleared description', () => {
    const desired = agentDesired(threeModules());
    const before = reportedState(deploymentFromDesired(desired, 1), { sensor: { runtimeStatus: 'backoff', restartCount: 0, statusDescription: 'restarting' } });
    delete desired.modules.archiver;
    const after = reportedState(deploymentFromDesired(desired, 2), { sensor: { runtimeStatus: 'running', restartCount: 0 } });
    expect(reportedPatch(before, after)).toEqual({ lastDesiredVersion: 2, modules: { archiver: null, sensor: { runtimeStatus: 'running', statusDescription: null } } });
  });
});
