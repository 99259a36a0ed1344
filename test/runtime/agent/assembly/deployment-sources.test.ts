// Where the agent's deployment comes from. With --from-cloud it runs the cloud's $edgeAgent
// twin, not the manifest the hub started with; a deployment the agent cannot run (a module
// without an image) is refused with lastDesiredStatus 400 and leaves the modules as they are; the
// next good one is applied. Without it, the manifest runs even when the cloud's twin holds
// another deployment, until the cloud sends a new one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentManifest, EDGE, removeTempFolders, reportedModule, shellModule, startEdgeScenario, tempFolder, waitFor, type EdgeScenario } from './edge-support.js';

const ADDRESS = '127.0.14.3';
const MANIFEST_FIRST_ADDRESS = '127.0.14.4';

let scenario: EdgeScenario;

beforeAll(async () => {
  const sleeper = shellModule('exec sleep 1000', tempFolder('edgewise-sources-'));
  // The cloud holds `cloudy`; the hub's manifest only `local`: --from-cloud runs `cloudy`.
  scenario = await startEdgeScenario({
    address: ADDRESS,
    manifest: deploymentManifest({ cloudy: {} }),
    localManifest: deploymentManifest({ local: {} }),
    modules: { cloudy: sleeper, local: sleeper, later: sleeper },
    fromCloud: true,
  });
});

afterAll(async () => {
  await scenario?.close();
  removeTempFolders();
});

async function desiredVersion(): Promise<number> {
  return (await scenario.cloud.client.getTwin(EDGE, '$edgeAgent')).properties.desired.$version as number;
}

describe('the deployment the agent runs', () => {
  it("with fromCloud, is the cloud's $edgeAgent twin", async () => {
    const version = await desiredVersion();
    const reported = await waitFor('the cloud deployment to run', async () => {
      const now = await scenario.reported();
      return now.lastDesiredVersion === version && reportedModule(now, 'cloudy')?.runtimeStatus === 'running' ? now : undefined;
    });
    expect(Object.keys(reported.modules as object)).toEqual(['cloudy']);
    expect(scenario.pidOf('local')).toBeUndefined();
    expect(scenario.edge.agent.deployment()?.version).toBe(version);
  });

  it('refuses a deployment it cannot run, reporting 400 and keeping the modules; the next good one is applied', async () => {
    const pid = scenario.pidOf('cloudy');
    const broken = deploymentManifest({ cloudy: {}, later: {} }) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: Record<string, { settings: Record<string, unknown> }> } } } };
    delete broken.modulesContent.$edgeAgent['properties.desired'].modules.later!.settings.image;
    await scenario.deploy(broken);
    const refusedVersion = await desiredVersion();
    const reported = await waitFor('the refusal to be reported', async () => {
      const now = await scenario.reported();
      return now.lastDesiredVersion === refusedVersion ? now : undefined;
    });
    expect(reported.lastDesiredStatus).toEqual({ code: 400, description: 'module later has no settings.image; add "settings": {"image": "<registry>/<name>:<tag>"} to it.' });
    expect(scenario.pidOf('later')).toBeUndefined();
    expect(scenario.pidOf('cloudy')).toBe(pid);

    await scenario.deploy(deploymentManifest({ cloudy: {}, later: {} }));
    const goodVersion = await desiredVersion();
    const applied = await waitFor('the next deployment to run', async () => {
      const now = await scenario.reported();
      return now.lastDesiredVersion === goodVersion && reportedModule(now, 'later')?.runtimeStatus === 'running' ? now : undefined;
    });
    expect(applied.lastDesiredStatus).toEqual({ code: 200, description: '' });
    expect(scenario.pidOf('cloudy')).toBe(pid);
  });
});

describe('with a manifest that differs from the cloud\'s deployment', () => {
  let manifestFirst: EdgeScenario;

  beforeAll(async () => {
    const sleeper = shellModule('exec sleep 1000', tempFolder('edgewise-sources-'));
    manifestFirst = await startEdgeScenario({
      address: MANIFEST_FIRST_ADDRESS,
      manifest: deploymentManifest({ cloudy: {} }),
      localManifest: deploymentManifest({ local: {} }),
      modules: { cloudy: sleeper, local: sleeper, later: sleeper },
    });
  });

  afterAll(async () => {
    await manifestFirst?.close();
  });

  it('runs the manifest until the cloud sends a new deployment, then that one', async () => {
    await waitFor('the agent to see the cloud\'s deployment', () => manifestFirst.agentLog.some((line) => line.includes("the cloud's $edgeAgent deployment (version")));
    await waitFor('the manifest\'s module reported running', async () => reportedModule(await manifestFirst.reported(), 'local')?.runtimeStatus === 'running');
    expect(manifestFirst.pidOf('cloudy')).toBeUndefined();
    const local = manifestFirst.pidOf('local');

    await manifestFirst.deploy(deploymentManifest({ local: {}, later: {} }));
    const version = (await manifestFirst.cloud.client.getTwin(EDGE, '$edgeAgent')).properties.desired.$version;
    await waitFor('the new deployment to run', async () => {
      const now = await manifestFirst.reported();
      return now.lastDesiredVersion === version && reportedModule(now, 'later')?.runtimeStatus === 'running';
    });
    expect(manifestFirst.pidOf('local')).toBe(local);
    expect(manifestFirst.pidOf('cloudy')).toBeUndefined();
  });
});
