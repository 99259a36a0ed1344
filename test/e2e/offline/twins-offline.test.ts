// The twin proof, end to end with the official SDK: with the upstream cut, two modules the
// agent started (ModuleClient.fromEnvironment, modules-b/twin-module.mjs) and a child device
// (Client through GatewayHostName + the edge CA) send 50 reported patches between them; each is
// answered at once, and after restore the cloud holds every identity's patches merged, deletions
// (nulls) included. Three desired changes made in the cloud during an outage reach the module's
// desired-change handler after restore, and what the module then holds equals the cloud's twin.
import { isDeepStrictEqual } from 'node:util';
import type { Client, Twin } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addChild,
  cloudSection,
  commandFor,
  desiredEvents,
  EDGE,
  mergePatch,
  moduleEvents,
  openChild,
  removeTempFolders,
  reportedDone,
  reportOn,
  startTwinScenario,
  waitFor,
  withoutVersion,
  type EdgeScenario,
  type Json,
} from './resync-support.js';

const ADDRESS = '127.0.15.12';
const MODULES = ['twin-a', 'twin-b'] as const;
const CHILD = 'twin-child';

let scenario: EdgeScenario;
let child: Client;
let childTwin: Twin;

beforeAll(async () => {
  scenario = await startTwinScenario(ADDRESS, MODULES);
  const registered = await addChild(scenario, CHILD);
  await scenario.edge.hub.identities.refresh();
  child = await openChild(scenario.edge.hub.info, registered);
  childTwin = await child.getTwin();
  for (const module of MODULES) await waitFor(`${module} to start and read its twin`, () => moduleEvents(scenario, module).some((event) => event.event === 'ready'));
}, 45_000);

afterAll(async () => {
  await child?.close();
  await scenario?.close();
  removeTempFolders();
});

/** What every identity reports while connected: the offline patches delete `online` and `nested.old`. */
const ONLINE: Json = { online: 'before the outage', nested: { old: true }, slot0: 'online' };

/**
 * `count` reported patches of one identity: a counter, slots written and deleted (null), members
 * of a nested object, and in the last one the deletion of what was reported online.
 */
function offlinePatches(owner: string, count: number): Json[] {
  return Array.from({ length: count }, (_, index) => {
    const nested: Json = { [`leaf${index % 3}`]: index };
    const patch: Json = { counter: index, [`slot${index % 4}`]: `${owner}-${index}`, nested };
    if (index % 5 === 4) patch[`slot${(index + 2) % 4}`] = null;
    if (index === count - 1) Object.assign(patch, { online: null, nested: { ...nested, old: null } });
    return patch;
  });
}

/** Reported properties as the emulator holds them, without `$version` and `$metadata`. */
async function cloudReported(moduleId?: string): Promise<Json> {
  return withoutVersion(await cloudSection(scenario, 'reported', moduleId === undefined ? CHILD : EDGE, moduleId));
}

async function sendModuleCommand(module: string, command: Json): Promise<void> {
  await child.sendEvent(commandFor(module, command));
}

describe('twins offline, with the official SDK as the clients', () => {
  it('50 reported patches sent offline by 2 modules and a child device arrive as merged reported properties after restore', async () => {
    for (const module of MODULES) await sendModuleCommand(module, { kind: 'report', id: 'online', patches: [ONLINE] });
    await reportOn(childTwin, ONLINE);
    for (const moduleId of [...MODULES, undefined]) await waitFor(`the online report of ${moduleId ?? CHILD} in the cloud`, async () => isDeepStrictEqual(await cloudReported(moduleId), ONLINE));

    const patches = { 'twin-a': offlinePatches('twin-a', 20), 'twin-b': offlinePatches('twin-b', 15), [CHILD]: offlinePatches(CHILD, 15) };
    expect(Object.values(patches).flat()).toHaveLength(50);
    await scenario.edge.hub.cut();
    try {
      for (const module of MODULES) await sendModuleCommand(module, { kind: 'report', id: 'offline', patches: patches[module] });
      // Each update resolves once the hub answered: accepted at once, with the cloud away.
      for (const patch of patches[CHILD]!) await reportOn(childTwin, patch);
      for (const module of MODULES) await waitFor(`${module} to have all its patches accepted offline`, () => reportedDone(scenario, module, 'offline'));
      for (const module of MODULES) expect(moduleEvents(scenario, module).filter((event) => event.event === 'failed')).toEqual([]);
      for (const moduleId of [...MODULES, undefined]) expect(await cloudReported(moduleId)).toEqual(ONLINE);
    } finally {
      await scenario.edge.hub.restore();
    }

    for (const [owner, sent] of Object.entries(patches)) {
      const moduleId = owner === CHILD ? undefined : owner;
      const expected = sent.reduce(mergePatch, ONLINE);
      expect(expected).not.toHaveProperty('online');
      await waitFor(`the merged reported properties of ${owner} in the cloud`, async () => isDeepStrictEqual(await cloudReported(moduleId), expected), 30_000).catch(async (error: unknown) => {
        expect(await cloudReported(moduleId), (error as Error).message).toEqual(expected);
      });
    }
  });

  it("3 desired changes made in the cloud during an outage reach the module's desired-change handler after restore, ending equal to the cloud's twin", async () => {
    await scenario.cloud.client.updateDesired(EDGE, 'twin-a', { threshold: 25, mode: 'normal', label: 'kept' });
    await waitFor('the online desired change at twin-a', () => desiredEvents(scenario, 'twin-a').some((event) => event.state?.threshold === 25));

    await scenario.edge.hub.cut();
    let seenBefore: number;
    let cloudDesired: Json;
    try {
      seenBefore = desiredEvents(scenario, 'twin-a').length;
      await scenario.cloud.client.updateDesired(EDGE, 'twin-a', { threshold: 30, mode: 'eco' });
      await scenario.cloud.client.updateDesired(EDGE, 'twin-a', { threshold: 35, limits: { high: 90, low: 10 } });
      await scenario.cloud.client.updateDesired(EDGE, 'twin-a', { mode: null, limits: { low: 5 } });
      cloudDesired = await cloudSection(scenario, 'desired', EDGE, 'twin-a');
      expect(withoutVersion(cloudDesired)).toEqual({ threshold: 35, label: 'kept', limits: { high: 90, low: 5 } });
      expect(desiredEvents(scenario, 'twin-a')).toHaveLength(seenBefore);
    } finally {
      await scenario.edge.hub.restore();
    }

    const after = await waitFor("the cloud's desired state at twin-a's handler", () => {
      const events = desiredEvents(scenario, 'twin-a').slice(seenBefore);
      return events.some((event) => isDeepStrictEqual(event.state, cloudDesired)) ? events : undefined;
    });
    // One patch, the difference, with the cloud's $version (the SDK merges it into what it held).
    expect(after.map((event) => event.patch)).toEqual([{ threshold: 35, mode: null, limits: { high: 90, low: 5 }, $version: cloudDesired.$version }]);
    expect(after[0]!.state).toEqual(cloudDesired);
  });
});
