// What a running hub offers the in-process agent (the next issue): the identity cache (keys,
// generations, a re-read of the scope), the twin service reading and patching {edge}/$edgeAgent
// through the hub's own upstream link, the edge CA, and the connection facts for the cloud's REST
// API. Also the hub's log on a first start: the wait for the first scope sync said once, a cut
// said once.
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { EDGE, hubManifest, removeTempFolders, startScenario, startScenarioHub, STANDARD_ROUTES, waitFor, type Scenario } from './hub-support.js';

let scenario: Scenario;
let hub: RunningHub;
const hubLog: string[] = [];
const edgeAgent = { deviceId: EDGE, moduleId: '$edgeAgent' };

function deployment(image: string): { modulesContent: Record<string, unknown> } {
  const manifest = hubManifest(STANDARD_ROUTES) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: { filter: { settings: { image: string } } } } } } };
  manifest.modulesContent.$edgeAgent['properties.desired'].modules.filter.settings.image = image;
  return manifest;
}

beforeAll(async () => {
  scenario = await startScenario();
  await scenario.cloud.client.applyConfigurationContent(EDGE, deployment('example.azurecr.io/filter:1.0'));
  hub = await startScenarioHub(scenario, {
    log: (line) => hubLog.push(line),
  });
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`the hub's log:\n${hubLog.join('\n')}`);
});

afterAll(async () => {
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

describe('RunningHub for the agent', () => {
  it('answers keys and generations from the identity cache, and re-reads the scope on request', async () => {
    const { identities } = hub;
    expect(identities.keyOf({ deviceId: EDGE })).toBe(scenario.keys.get(EDGE));
    expect(identities.keyOf({ deviceId: EDGE, moduleId: 'filter' })).toBe(scenario.keys.get(`${EDGE}/filter`));
    expect(identities.keyOf({ deviceId: 'stranger' })).toBeUndefined();
    const modules = await scenario.cloud.client.listModules(EDGE);
    expect(identities.generationOf({ deviceId: EDGE, moduleId: 'filter' })).toBe(modules.find((module) => module.moduleId === 'filter')!.generationId);
    expect(identities.generationOf(edgeAgent)).toBe(modules.find((module) => module.moduleId === '$edgeAgent')!.generationId);

    const added = await scenario.cloud.client.createModule(EDGE, 'late');
    expect(identities.keyOf({ deviceId: EDGE, moduleId: 'late' })).toBeUndefined();
    expect(await identities.refresh()).toBe(true);
    expect(identities.keyOf({ deviceId: EDGE, moduleId: 'late' })).toBe(added.authentication.symmetricKey.primaryKey);
    expect(identities.generationOf({ deviceId: EDGE, moduleId: 'late' })).toBe(added.generationId);
  });

  it("reads, follows and patches the $edgeAgent twin through the hub's link", async () => {
    const twin = await hub.twins.get(edgeAgent);
    expect(twin.desired).toMatchObject({ modules: { filter: { settings: { image: 'example.azurecr.io/filter:1.0' } } } });

    const patches: { patch: Record<string, unknown>; version: number }[] = [];
    const stop = hub.twins.onDesired(edgeAgent, (patch, version) => patches.push({ patch, version }));
    try {
      // The subscription is made on the $edgeAgent connection; deploy until a patch comes through.
      await waitFor('a desired patch of $edgeAgent', async () => {
        if (patches.length === 0) await scenario.cloud.client.applyConfigurationContent(EDGE, deployment(`example.azurecr.io/filter:2.${Date.now()}`));
        return patches.length > 0 ? patches : undefined;
      });
    } finally {
      stop();
    }
    expect(JSON.stringify(patches[0]!.patch)).toContain('example.azurecr.io/filter:2.');
    expect(patches[0]!.version).toBeGreaterThan(twin.desired.$version as number);

    await hub.twins.patchReported(edgeAgent, { lastDesiredStatus: { code: 200, description: '' }, runtime: { platform: { os: 'linux' } } });
    const reported = await waitFor('the reported patch at the cloud', async () => {
      const cloudTwin = await scenario.cloud.client.getTwin(EDGE, '$edgeAgent');
      return (cloudTwin.properties?.reported as Record<string, unknown> | undefined)?.lastDesiredStatus ? cloudTwin.properties.reported : undefined;
    });
    expect(reported).toMatchObject({ lastDesiredStatus: { code: 200 }, runtime: { platform: { os: 'linux' } } });
  });

  it('gives the edge CA and the facts for the cloud REST API', () => {
    expect(hub.edgeCa()).toBe(readFileSync(hub.info.ca, 'utf8'));
    expect(hub.edgeCa()).toContain('-----BEGIN CERTIFICATE-----');
    expect(hub.connection).toEqual({
      hostName: scenario.hostName,
      deviceId: EDGE,
      key: scenario.keys.get(EDGE),
      cloudHttpsPort: scenario.cloud.running.info.https.port,
      cloudCa: scenario.cloud.ca,
    });
  });
});

describe("the hub's log", () => {
  it('says once that it waits for the first scope sync, never that a key is missing', () => {
    expect(hubLog.filter((line) => line.includes('no key is known'))).toEqual([]);
    expect(hubLog.filter((line) => line.includes('waiting for the first device-scope sync'))).toEqual([`upstream: waiting for the first device-scope sync (${EDGE}/$edgeHub connects with the key the cloud lists for it)`]);
  });

  it('says a cut once', async () => {
    const from = hubLog.length;
    await hub.cut();
    try {
      expect(hubLog.slice(from).filter((line) => line.startsWith('upstream: cut'))).toEqual(['upstream: cut; every cloud connection is closed until restore']);
    } finally {
      await hub.restore();
    }
    await waitFor('the upstream to connect again', () => hub.upstreamState === 'connected');
  });
});
