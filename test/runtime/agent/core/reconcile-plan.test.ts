// The agent's plan for a new deployment follows `edgewise diff`'s impact classes: the modules
// recreated are exactly those diff classes as recreate, a status-only change starts or stops in
// place, and a change the container never sees (a module twin, meaning-preserving createOptions
// chunking) leaves the module alone.
import { describe, expect, it } from 'vitest';
import { diffManifests } from '../../../../src/diff/diff-manifests.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { deploymentFromManifest } from '../../../../src/runtime/agent/deployment.js';
import { planChanges } from '../../../../src/runtime/agent/reconcile-plan.js';
import { agentDesired, threeModules, type Json } from './three-modules.js';

async function deploymentOf(manifest: Json) {
  return deploymentFromManifest(await normalizeManifest(manifest));
}

async function planFor(edit: (manifest: Json) => void) {
  const before = threeModules();
  const after = threeModules();
  edit(after);
  return { plan: await planChanges(await deploymentOf(before), await deploymentOf(after)), before, after };
}

describe('planChanges', () => {
  it('creates every module of the first deployment', async () => {
    const plan = await planChanges(undefined, await deploymentOf(threeModules()));
    expect(plan).toEqual({ create: ['archiver', 'filter', 'sensor'], remove: [], recreate: [], startStop: [], unchanged: [] });
  });

  it('recreates a module whose env changed and leaves the others', async () => {
    const { plan } = await planFor((m) => (agentDesired(m).modules.sensor.env.LOG_LEVEL.value = 'debug'));
    expect(plan).toEqual({ create: [], remove: [], recreate: ['sensor'], startStop: [], unchanged: ['archiver', 'filter'] });
  });

  it.each([
    ['image', (m: Json) => (agentDesired(m).modules.filter.settings.image = 'localhost/filter:2.0')],
    ['createOptions', (m: Json) => (agentDesired(m).modules.filter.settings.createOptions01 = '[{"HostPort":"9090"}]}}}')],
    ['restartPolicy', (m: Json) => (agentDesired(m).modules.filter.restartPolicy = 'always')],
    ['startupOrder', (m: Json) => (agentDesired(m).modules.filter.startupOrder = 5)],
    ['an added env var', (m: Json) => (agentDesired(m).modules.filter.env.MODE = { value: 'strict' })],
  ])('recreates a module whose %s changed', async (_field, edit) => {
    expect((await planFor(edit)).plan.recreate).toEqual(['filter']);
  });

  it('starts or stops in place when only the desired status changed', async () => {
    const { plan } = await planFor((m) => {
      agentDesired(m).modules.archiver.status = 'running';
      agentDesired(m).modules.sensor.status = 'stopped';
    });
    expect(plan).toEqual({ create: [], remove: [], recreate: [], startStop: ['archiver', 'sensor'], unchanged: ['filter'] });
  });

  it('recreates, not just starts, a module whose status and image both changed', async () => {
    const { plan } = await planFor((m) => {
      agentDesired(m).modules.archiver.status = 'running';
      agentDesired(m).modules.archiver.settings.image = 'localhost/archiver:2.0';
    });
    expect(plan.recreate).toEqual(['archiver']);
    expect(plan.startStop).toEqual([]);
  });

  it('leaves a module alone when only its twin or edgeHub changed', async () => {
    const { plan } = await planFor((m) => {
      m.modulesContent.filter['properties.desired'].threshold = 30;
      m.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs = 60;
    });
    expect(plan).toEqual({ create: [], remove: [], recreate: [], startStop: [], unchanged: ['archiver', 'filter', 'sensor'] });
  });

  it('leaves a module alone when its createOptions are only chunked differently', async () => {
    const { plan } = await planFor((m) => {
      const settings = agentDesired(m).modules.filter.settings;
      settings.createOptions = settings.createOptions + settings.createOptions01;
      delete settings.createOptions01;
    });
    expect(plan.unchanged).toContain('filter');
    expect(plan.recreate).toEqual([]);
  });

  it('creates an added module and removes a removed one', async () => {
    const { plan } = await planFor((m) => {
      const modules = agentDesired(m).modules;
      modules.counter = { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'localhost/counter:1' } };
      delete modules.archiver;
    });
    expect(plan).toMatchObject({ create: ['counter'], remove: ['archiver'], recreate: [] });
  });

  it('recreates exactly the modules edgewise diff classes as recreate', async () => {
    const { plan, before, after } = await planFor((m) => {
      const modules = agentDesired(m).modules;
      modules.sensor.env.INTERVAL_MS.value = 250;
      modules.filter.version = '1.1';
      modules.archiver.status = 'running';
    });
    const diff = await diffManifests({ file: 'a', value: before }, { file: 'b', value: after });
    const recreatedByDiff = diff.groups.filter((group) => group.impact === 'recreate').map((group) => group.module);
    expect(plan.recreate).toEqual(recreatedByDiff.sort());
    expect(plan.recreate).toEqual(['filter', 'sensor']);
  });
});
