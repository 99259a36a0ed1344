// The ordered resync through the whole hub and the real emulator, with the official SDK as the
// clients: during an outage a child device sends messages and reports properties, a module
// reports too, the cloud changes the child's desired properties, a child is added and another
// disabled; on restore the status shows the four steps done in order, each with its count, and
// the hub's log has one line per step in the same order.
import type { Client, ModuleClient, Twin } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResyncView } from '../../../../src/runtime/hub/resync.js';
import type { RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { cloudMessages, EDGE, numbered, openGatewayDevice, openGatewayModule, removeTempFolders, startScenario, startScenarioHub, waitFor, type Scenario } from '../assembly/hub-support.js';

const MESSAGES = 20;

let scenario: Scenario;
let hub: RunningHub;
const lines: string[] = [];
const clients: (Client | ModuleClient)[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  hub = await startScenarioHub(scenario, { log: (line) => lines.push(line) });
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

function report(twin: Twin, patch: Record<string, unknown>): Promise<void> {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
}

/** Opens an SDK client through the hub, retrying while the first scope sync may still be on its way. */
async function connect<T extends Client | ModuleClient>(what: string, open: () => Promise<T>): Promise<T> {
  const client = await waitFor(`${what} to connect`, async () => {
    try {
      return await open();
    } catch {
      return undefined;
    }
  });
  clients.push(client);
  return client;
}

describe('the resync round after an outage', () => {
  it('delivers the stored messages, then the reported patches, then the desired changes, then re-reads the scope, and shows it in the status', async () => {
    await waitFor('the first round to finish', () => hub.resync().state === 'done');
    const first = hub.resync();
    const scopeBefore = first.steps.find((step) => step.step === 'scope')!.count;

    const child = await connect('child-a', () => openGatewayDevice(hub.info, scenario.connectionString('child-a', undefined, hub.info)));
    const filter = await connect('filter', () => openGatewayModule(hub.info, scenario.connectionString(EDGE, 'filter', hub.info)));
    const childTwin = await child.getTwin();
    const desired: Record<string, unknown>[] = [];
    childTwin.on('properties.desired', (patch: Record<string, unknown>) => desired.push(patch));
    // A read after the handler: its SUBSCRIBE has been taken before anything is pushed.
    await childTwin.get();
    const filterTwin = await filter.getTwin();

    await hub.cut();
    await Promise.all(Array.from({ length: MESSAGES }, (_, index) => child.sendEvent(numbered('child-a', index, { step: 'resync' }))));
    // Two patches of child-a merge into one pending patch; the module's is a second identity's.
    await report(childTwin, { firmware: '2.0', stale: null });
    await report(childTwin, { battery: 80 });
    await report(filterTwin, { threshold: 7 });
    const desiredVersion = (await scenario.cloud.client.updateDesired('child-a', undefined, { interval: 30 })).properties.desired.$version;
    await scenario.cloud.client.createDevice('child-new', { parent: await scenario.cloud.client.getDevice(EDGE) });
    await scenario.cloud.client.setDeviceStatus('child-b', 'disabled');
    const offline = hub.status();
    expect(offline.twins).toEqual({ pendingReported: 2, identitiesPending: 2 });
    expect(offline.resync).toMatchObject({ round: first.round, state: 'waiting' });

    await hub.restore();
    await waitFor('the round after the restore to finish', () => {
      const view = hub.resync();
      return view.round > first.round && view.state === 'done';
    });
    const status = hub.status();
    if (process.env.EDGEWISE_SHOW_RESYNC) console.log(JSON.stringify(status, null, 2));
    const round = status.resync;
    expect(round.steps.map(({ step, state, count, detail }) => ({ step, state, count, detail }))).toEqual([
      { step: 'messages', state: 'done', count: MESSAGES, detail: undefined },
      { step: 'reported', state: 'done', count: 2, detail: undefined },
      { step: 'desired', state: 'done', count: 1, detail: undefined },
      { step: 'scope', state: 'done', count: scopeBefore + 1, detail: '1 added, 1 removed' },
    ]);
    expectInOrder(round);
    expect(status.twins).toEqual({ pendingReported: 0, identitiesPending: 0 });

    // What each step said it did happened at the cloud and at the client.
    const arrived = (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'resync');
    expect(arrived.map((message) => Number(message.properties.index))).toEqual(Array.from({ length: MESSAGES }, (_, index) => index));
    expect((await scenario.cloud.client.getTwin('child-a')).properties.reported).toMatchObject({ firmware: '2.0', battery: 80 });
    expect((await scenario.cloud.client.getTwin(EDGE, 'filter')).properties.reported).toMatchObject({ threshold: 7 });
    await waitFor('the desired change at the SDK handler', () => desired.some((patch) => patch.interval === 30 && patch.$version === desiredVersion));

    // One log line per step, in the order they ran.
    expect(lines.filter((line) => line.startsWith(`resync ${round.round}: `))).toEqual([
      `resync ${round.round}: messages done, ${MESSAGES} delivered`,
      `resync ${round.round}: reported done, 2 patches accepted`,
      `resync ${round.round}: desired done, 1 client given a patch`,
      `resync ${round.round}: scope done, ${scopeBefore + 1} identities in the scope, 1 added, 1 removed`,
    ]);
  }, 55_000);
});

/** Every step ended before the next one began. */
function expectInOrder(view: ResyncView): void {
  for (let index = 1; index < view.steps.length; index += 1) {
    const before = view.steps[index - 1]!;
    const after = view.steps[index]!;
    expect(Date.parse(before.finishedAt!)).toBeLessThanOrEqual(Date.parse(after.startedAt!));
  }
}
