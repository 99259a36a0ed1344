// The step 4, end to end with the official SDK: during an outage a child device stores
// 300 messages, a module the agent started (modules-b/twin-module.mjs) and the child send reported
// patches (deletions among them), the cloud changes both clients' desired properties, a child is
// added and another disabled. On restore the hub resyncs in the documented order, observable in
// `hub status` (four steps, each ending before the next starts) and in the cloud itself: the
// messages arrive in the order they were stored, all before the reported properties, which arrive
// merged with their nulls and are cleared only once the cloud accepted them; then each client gets
// its desired difference; then the scope is re-read: the new child connects, the disabled one is
// disconnected.
import { isDeepStrictEqual } from 'node:util';
import { Message, type Client, type Twin } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import type { HubStatus } from '../../../src/runtime/hub/hub-status.js';
import type { ResyncView } from '../../../src/runtime/hub/resync.js';
import {
  addChild,
  childRefusal,
  cloudMessages,
  cloudSection,
  cloudSectionWithMetadata,
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
  type Child,
  type EdgeScenario,
  type Json,
} from './resync-support.js';

const ADDRESS = '127.0.15.11';
const MODULE = 'resync-mod';
const SENDER = 'sender';
const DOOMED = 'doomed';
const LATE = 'late';
const ONLINE_MESSAGES = 5;
const STORED_MESSAGES = 300;
const RESTORE_ROUND = 2;

let scenario: EdgeScenario;
let sender: Client;
let senderTwin: Twin;
const senderDesired: Json[] = [];
let doomedChild: Child;
let late: Child;
const opened: Client[] = [];

beforeAll(async () => {
  scenario = await startTwinScenario(ADDRESS, [MODULE]);
  const senderChild = await addChild(scenario, SENDER);
  doomedChild = await addChild(scenario, DOOMED);
  await scenario.edge.hub.identities.refresh();
  sender = await openChild(scenario.edge.hub.info, senderChild);
  opened.push(sender);
  senderTwin = await sender.getTwin();
  senderTwin.on('properties.desired', (patch: Json) => senderDesired.push(structuredClone(patch)));
  // Adding the listener subscribes; a twin read after it returns once the hub has handled that subscription.
  await sender.getTwin();
  opened.push(await openChild(scenario.edge.hub.info, doomedChild));
  await waitFor(`${MODULE} to start and read its twin`, () => moduleEvents(scenario, MODULE).some((event) => event.event === 'ready'));
}, 45_000);

afterAll(async () => {
  for (const client of opened) await client.close().catch(() => undefined);
  await scenario?.close();
  removeTempFolders();
});

function status(): HubStatus {
  return scenario.edge.hub.status();
}

function numbered(index: number): Message {
  const message = new Message(JSON.stringify({ index }));
  message.properties.add('index', String(index));
  return message;
}

async function senderMessages(): Promise<CloudMessage[]> {
  return (await cloudMessages(scenario.cloud)).filter((message) => message.deviceId === SENDER);
}

/** The indexes in arrival order, without a message repeated right after itself (at least once, as IoT Hub). */
function indexesOf(messages: readonly CloudMessage[]): number[] {
  const indexes = messages.map((message) => Number(message.properties.index));
  return indexes.filter((index, position) => position === 0 || indexes[position - 1] !== index);
}

function upstreamDepth(): number {
  return status()
    .queues.filter((queue) => queue.endpoint === '$upstream')
    .reduce((sum, queue) => sum + queue.depth, 0);
}

async function cloudReported(deviceId: string, moduleId?: string): Promise<Json> {
  return withoutVersion(await cloudSection(scenario, 'reported', deviceId, moduleId));
}

/** What both clients report while connected; the offline patches delete `online` and `gone`. */
const ONLINE: Json = { online: true, gone: { a: 1 }, firmware: '1.0' };
const MODULE_PATCHES: Json[] = [{ firmware: '1.1', online: null }, { battery: 80 }, { battery: 75, gone: null, network: { rssi: -60 } }, { network: { rssi: -62, ssid: 'edge' } }];
const SENDER_PATCHES: Json[] = [{ firmware: '2.0' }, { online: null, door: 'open' }, { door: 'closed', gone: null }];
const expectedModule = MODULE_PATCHES.reduce(mergePatch, ONLINE);
const expectedSender = SENDER_PATCHES.reduce(mergePatch, ONLINE);

/** The hub's pending reported count reaching 0, and what the cloud held right then. */
interface ClearedSample {
  pendingDuringOutage?: number;
  cloudWhenCleared?: { module: Json; sender: Json };
}
const cleared: ClearedSample = {};
let clearedWatch: Promise<void> | undefined;

/**
 * Samples the hub's status from restore on; at the first sample with nothing pending, reads the
 * cloud's reported properties: a hub that cleared a patch before the cloud took it would be seen
 * here without it (a sample, so it can miss a short gap, never invent one).
 */
async function watchPendingCleared(): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const twins = status().twins as HubStatus['twins'] | undefined;
    if (twins === undefined) return;
    if (twins.pendingReported === 0) {
      cleared.cloudWhenCleared = { module: await cloudReported(EDGE, MODULE), sender: await cloudReported(SENDER) };
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('reconnect and resync after an outage, with the official SDK as the clients', () => {
  it('while connected: messages reach the cloud, reported properties are accepted, desired changes reach the clients', async () => {
    for (let index = 0; index < ONLINE_MESSAGES; index++) await sender.sendEvent(numbered(index));
    await sender.sendEvent(commandFor(MODULE, { kind: 'report', id: 'online', patches: [ONLINE] }));
    await reportOn(senderTwin, ONLINE);
    await scenario.cloud.client.updateDesired(EDGE, MODULE, { interval: 10, mode: 'normal' });
    await scenario.cloud.client.updateDesired(SENDER, undefined, { interval: 20, mode: 'normal' });
    await waitFor('the online messages in the cloud', async () => (await senderMessages()).length >= ONLINE_MESSAGES);
    await waitFor('the online reports in the cloud', async () => isDeepStrictEqual(await cloudReported(EDGE, MODULE), ONLINE) && isDeepStrictEqual(await cloudReported(SENDER), ONLINE));
    await waitFor('the online desired change at the module', () => desiredEvents(scenario, MODULE).some((event) => event.state?.interval === 10));
    await waitFor('the online desired change at the child', () => senderDesired.some((patch) => patch.interval === 20));
  });

  it('while cut: messages are stored, reported patches accepted at once, a child added in the cloud is refused, a disabled one stays connected', async () => {
    await scenario.edge.hub.cut();
    for (let index = ONLINE_MESSAGES; index < ONLINE_MESSAGES + STORED_MESSAGES; index++) await sender.sendEvent(numbered(index));
    await sender.sendEvent(commandFor(MODULE, { kind: 'report', id: 'offline', patches: MODULE_PATCHES }));
    for (const patch of SENDER_PATCHES) await reportOn(senderTwin, patch);
    await waitFor(`${MODULE}'s offline patches accepted`, () => reportedDone(scenario, MODULE, 'offline'));
    await scenario.cloud.client.updateDesired(EDGE, MODULE, { interval: 30, mode: null });
    await scenario.cloud.client.updateDesired(EDGE, MODULE, { limits: { high: 90 } });
    await scenario.cloud.client.updateDesired(SENDER, undefined, { interval: 40 });
    late = await addChild(scenario, LATE);
    await scenario.cloud.client.setDeviceStatus(DOOMED, 'disabled');

    expect(upstreamDepth()).toBe(STORED_MESSAGES);
    expect((await senderMessages()).length).toBe(ONLINE_MESSAGES);
    expect(await cloudReported(EDGE, MODULE)).toEqual(ONLINE);
    expect(await cloudReported(SENDER)).toEqual(ONLINE);
    expect(await childRefusal(scenario.edge.hub.info, late)).not.toBe('accepted');
    expect(status().clients.map((client) => client.clientId)).toContain(DOOMED);
  });

  it('while cut: the status counts the pending reported patches', () => {
    const twins = status().twins;
    expect(twins.pendingReported).toBeGreaterThanOrEqual(2);
    expect(twins.identitiesPending).toBeGreaterThanOrEqual(2);
    cleared.pendingDuringOutage = twins.pendingReported;
  });

  it('on restore: the stored messages arrive in the order they were stored', async () => {
    clearedWatch = watchPendingCleared();
    await scenario.edge.hub.restore();
    const messages = await waitFor('the stored messages in the cloud', async () => {
      const found = await senderMessages();
      return indexesOf(found).length >= ONLINE_MESSAGES + STORED_MESSAGES ? found : undefined;
    });
    expect(indexesOf(messages)).toEqual(Array.from({ length: ONLINE_MESSAGES + STORED_MESSAGES }, (_, index) => index));
  });

  it('the pending reported patches arrive merged, deletions (nulls) kept, after every stored message', async () => {
    await waitFor('the merged reported properties in the cloud', async () => isDeepStrictEqual(await cloudReported(EDGE, MODULE), expectedModule) && isDeepStrictEqual(await cloudReported(SENDER), expectedSender), 30_000).catch(async (error: unknown) => {
      expect({ module: await cloudReported(EDGE, MODULE), sender: await cloudReported(SENDER) }, (error as Error).message).toEqual({ module: expectedModule, sender: expectedSender });
    });
    expect(expectedModule).not.toHaveProperty('online');
    expect(expectedSender).not.toHaveProperty('gone');
    // The cloud's own clocks: when the last stored message was enqueued, and when each offline member was reported.
    const lastStored = (await senderMessages()).filter((message) => Number(message.properties.index) === ONLINE_MESSAGES + STORED_MESSAGES - 1).at(-1)!;
    const moduleReported = await cloudSectionWithMetadata(scenario, 'reported', EDGE, MODULE);
    const senderReported = await cloudSectionWithMetadata(scenario, 'reported', SENDER);
    for (const reported of [moduleReported, senderReported]) {
      const updated = lastUpdatedOf(reported, 'firmware');
      expect(updated >= lastStored.enqueuedTimeUtc, `reported ${updated}, last stored message ${lastStored.enqueuedTimeUtc}`).toBe(true);
    }
  });

  it('the pending reported patches are cleared only once the cloud accepted them', async () => {
    await clearedWatch;
    expect(cleared.pendingDuringOutage).toBeGreaterThan(0);
    expect(cleared.cloudWhenCleared).toEqual({ module: expectedModule, sender: expectedSender });
  });

  it("desired changes made during the outage reach the module and the child after the reported ones, ending equal to the cloud's twin", async () => {
    const moduleDesired = await cloudSection(scenario, 'desired', EDGE, MODULE);
    const senderCloudDesired = await cloudSection(scenario, 'desired', SENDER);
    expect(withoutVersion(moduleDesired)).toEqual({ interval: 30, limits: { high: 90 } });
    const reachedModule = await waitFor("the cloud's desired state at the module's handler", () => desiredEvents(scenario, MODULE).find((event) => isDeepStrictEqual(event.state, moduleDesired)));
    expect(reachedModule.patch).toEqual({ interval: 30, mode: null, limits: { high: 90 }, $version: moduleDesired.$version });
    await waitFor("the cloud's desired state at the child's handler", () => isDeepStrictEqual(senderTwin.properties.desired, senderCloudDesired));
    expect(senderDesired.at(-1)).toEqual({ interval: 40, $version: senderCloudDesired.$version });
    const moduleReported = await cloudSectionWithMetadata(scenario, 'reported', EDGE, MODULE);
    expect(reachedModule.at >= lastUpdatedOf(moduleReported, 'firmware'), `desired at the module ${reachedModule.at}, reported in the cloud ${lastUpdatedOf(moduleReported, 'firmware')}`).toBe(true);
  });

  it('the scope is re-read: the child added during the outage connects, the disabled one is disconnected and refused', async () => {
    await waitFor('the child added during the outage to be accepted', async () => (await childRefusal(scenario.edge.hub.info, late)) === 'accepted');
    const lateClient = await openChild(scenario.edge.hub.info, late);
    opened.push(lateClient);
    await lateClient.sendEvent(numbered(0));
    await waitFor("the late child's message in the cloud", async () => (await cloudMessages(scenario.cloud)).some((message) => message.deviceId === LATE));
    await waitFor('the disabled child disconnected', () => !status().clients.some((client) => client.clientId === DOOMED));
    expect(await childRefusal(scenario.edge.hub.info, doomedChild)).not.toBe('accepted');
  });

  it('hub status shows the restore round: messages, reported, desired, scope, each ended before the next started', async () => {
    const view = await restoreRound();
    expect(view.round).toBe(RESTORE_ROUND);
    expect(view.steps.map((step) => step.step)).toEqual(['messages', 'reported', 'desired', 'scope']);
    for (const step of view.steps) {
      expect(['done', 'failed'], JSON.stringify(step)).toContain(step.state);
      expect(step.startedAt! <= step.finishedAt!, `${step.step} ${step.startedAt} → ${step.finishedAt}`).toBe(true);
    }
    for (let index = 1; index < view.steps.length; index++) {
      const before = view.steps[index - 1]!;
      const step = view.steps[index]!;
      expect(before.finishedAt! <= step.startedAt!, `${before.step} finished ${before.finishedAt}, ${step.step} started ${step.startedAt}`).toBe(true);
    }
    const [messages, reported] = view.steps;
    expect(messages!.count).toBe(STORED_MESSAGES);
    // Every stored message was in the cloud before the reported step began.
    const stored = (await senderMessages()).filter((message) => Number(message.properties.index) >= ONLINE_MESSAGES);
    expect(stored).toHaveLength(STORED_MESSAGES);
    expect(stored.every((message) => message.enqueuedTimeUtc <= reported!.startedAt!)).toBe(true);
  });

  it('every step of that round is done and counts what it did; the child disabled during the outage does not fail the desired step', async () => {
    const view = await restoreRound();
    expect(view.steps.map((step) => [step.step, step.state]), JSON.stringify(view.steps)).toEqual([
      ['messages', 'done'],
      ['reported', 'done'],
      ['desired', 'done'],
      ['scope', 'done'],
    ]);
    const [, reported, desired, scope] = view.steps;
    // The module's and the child's merged patches at least (the agent's $edgeAgent reports may add some).
    expect(reported!.count).toBeGreaterThanOrEqual(2);
    // The module and the child; the other subscribed twins ($edgeAgent, $edgeHub) did not change.
    expect(desired!.count).toBe(2);
    expect(scope!.count).toBeGreaterThan(0);
  });
});

/** The resync round the restore began, once it ended. */
function restoreRound(): Promise<ResyncView> {
  return waitFor('the restore round to end', () => {
    const resync = status().resync;
    return resync.round >= RESTORE_ROUND && resync.state === 'done' ? resync : undefined;
  });
}

/** `$metadata.{member}.$lastUpdated` of a twin section as the cloud keeps it. */
function lastUpdatedOf(section: Json, member: string): string {
  const metadata = section.$metadata as Record<string, { $lastUpdated?: string }> | undefined;
  const updated = metadata?.[member]?.$lastUpdated;
  if (updated === undefined) throw new Error(`the cloud keeps no $lastUpdated for ${member}: ${JSON.stringify(section)}`);
  return updated;
}
