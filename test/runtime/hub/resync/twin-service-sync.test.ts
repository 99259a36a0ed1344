// The twin service as the resync round drives it: with `autoSync` saying no it sends nothing on
// its own (not after a patch, not on reconnect, not on its retry timer); sendPendingReported and
// reconcileDesired do that work when called, and say how much they did; and with the real round
// over a fake link, nothing of the twins goes up before the round reaches its `reported` step.
import { afterEach, describe, expect, it } from 'vitest';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { storedTwinOf } from '../../../../src/runtime/hub/upstream/twin-records.js';
import { FakeLink, MemoryRecords, waitFor } from '../twins/twin-fakes.js';

const SENSOR = { deviceId: 'sensor' };
const FILTER = { deviceId: 'edge', moduleId: 'filter' };
const SINK = { deviceId: 'edge', moduleId: 'sink' };

const services: TwinService[] = [];
const rounds: Resync[] = [];
afterEach(async () => {
  for (const round of rounds.splice(0)) round.stop();
  await Promise.all(services.splice(0).map((service) => service.close()));
});

function start(link: FakeLink, records: MemoryRecords, autoSync: () => boolean, log: string[] = []): TwinService {
  const service = createTwinService({ link, records, log: (line) => log.push(line), retryIntervalMs: 20, autoSync });
  services.push(service);
  return service;
}

function kinds(link: FakeLink): string[] {
  return link.requests.map((entry) => `${entry.request.kind} ${entry.key}`);
}

/** Long enough for many retry ticks (20 ms) and the reconnect handling to have run, had they sent anything. */
async function quietPeriod(): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, 300));
}

describe('twin service with autoSync', () => {
  it('sends nothing on its own while autoSync says no: not after a patch, not on reconnect, not on its retry timer', async () => {
    const link = new FakeLink();
    const twins = start(link, new MemoryRecords(), () => false);
    await twins.get(FILTER);
    twins.onDesired(FILTER, () => undefined);
    const before = link.requests.length;
    await twins.patchReported(SENSOR, { a: 1 });
    link.cut();
    link.patchDesired('edge/filter', { threshold: 3 });
    await twins.patchReported(FILTER, { b: 2 });
    link.restore();
    await quietPeriod();
    expect(link.requests.slice(before)).toEqual([]);
    expect(twins.pendingReported()).toEqual({ patches: 2, identities: 2 });
  });

  it('sendPendingReported sends every identity’s patches, oldest first, and says how many the cloud accepted', async () => {
    const link = new FakeLink();
    link.twin('sensor').reported = { config: { old: 1 }, $version: 1 };
    const records = new MemoryRecords();
    const twins = start(link, records, () => false);
    link.cut();
    await twins.patchReported(SENSOR, { config: null });
    // Cannot merge into a deletion: a second patch for the same identity.
    await twins.patchReported(SENSOR, { config: { fresh: 2 } });
    await twins.patchReported(FILTER, { state: 'offline' });
    await twins.patchReported(FILTER, { gone: null });
    expect(twins.pendingReported()).toEqual({ patches: 3, identities: 2 });
    link.restore();

    expect(await twins.sendPendingReported()).toBe(3);
    expect(twins.pendingReported()).toEqual({ patches: 0, identities: 0 });
    expect(kinds(link).filter((kind) => kind.startsWith('patch-reported sensor'))).toHaveLength(2);
    expect(link.requests.filter((entry) => entry.key === 'sensor').map((entry) => entry.request)).toEqual([
      { kind: 'patch-reported', patch: { config: null } },
      { kind: 'patch-reported', patch: { config: { fresh: 2 } } },
    ]);
    expect(link.twin('sensor').reported).toEqual({ config: { fresh: 2 }, $version: 3 });
    expect(link.twin('edge/filter').reported).toEqual({ state: 'offline', $version: 2 });
    // Cleared durably once accepted.
    await waitFor(() => storedTwinOf(records.get('sensor'))?.pending.length === 0 && storedTwinOf(records.get('edge/filter'))?.pending.length === 0, 'the stored pending patches to be cleared');
    expect(await twins.sendPendingReported()).toBe(0);
  });

  it('sendPendingReported does not count a patch the cloud refuses for good, and rejects when the link fails, keeping the patch', async () => {
    const link = new FakeLink();
    const records = new MemoryRecords();
    const twins = start(link, records, () => false);
    link.cut();
    await twins.patchReported(SENSOR, { bad: null });
    await twins.patchReported(SENSOR, { bad: { x: 1 } });
    link.restore();
    link.patchStatuses.push(400);
    expect(await twins.sendPendingReported()).toBe(1);

    await twins.patchReported(FILTER, { kept: true });
    link.cut();
    await expect(twins.sendPendingReported()).rejects.toThrow(/1 of 1 identities still have reported properties pending \(0 patches accepted\): the upstream is cut/);
    expect(storedTwinOf(records.get('edge/filter'))?.pending).toEqual([{ kept: true }]);
  });

  it('reconcileDesired pushes to each subscribed client what changed in the cloud, and counts the clients given a patch', async () => {
    const link = new FakeLink();
    link.twin('edge/filter').desired = { threshold: 1, $version: 2 };
    const twins = start(link, new MemoryRecords(), () => false);
    await twins.get(FILTER);
    await twins.get(SINK);
    const filterPatches: [Record<string, unknown>, number][] = [];
    const sinkPatches: unknown[] = [];
    twins.onDesired(FILTER, (patch, version) => filterPatches.push([patch, version]));
    twins.onDesired(SINK, (patch) => sinkPatches.push(patch));
    link.cut();
    link.patchDesired('edge/filter', { threshold: 7 });
    link.patchDesired('edge/filter', { mode: 'fast' });
    link.restore();
    await quietPeriod();
    expect(filterPatches).toEqual([]);

    expect(await twins.reconcileDesired()).toBe(1);
    expect(filterPatches).toEqual([[{ threshold: 7, mode: 'fast', $version: 4 }, 4]]);
    expect(sinkPatches).toEqual([]);
  });

  it('reconcileDesired rejects when a twin cannot be read, and the retry timer reads it again once syncing is its own', async () => {
    const link = new FakeLink();
    let own = false;
    const twins = start(link, new MemoryRecords(), () => own);
    await twins.get(FILTER);
    const patches: unknown[] = [];
    twins.onDesired(FILTER, (patch) => patches.push(patch));
    link.cut();
    link.patchDesired('edge/filter', { threshold: 9 });
    await expect(twins.reconcileDesired()).rejects.toThrow(/the twins of 1 of 1 clients could not be read \(0 got a patch\): edge\/filter: upstream cut/);
    link.restore();
    await quietPeriod();
    expect(patches).toEqual([]);
    own = true;
    await waitFor(() => patches.length === 1, 'the retry to push the missed change');
    expect(patches[0]).toEqual({ threshold: 9, $version: 2 });
  });

  it('syncs on its own again once autoSync says yes: a new patch goes up at once', async () => {
    const link = new FakeLink();
    let own = false;
    const twins = start(link, new MemoryRecords(), () => own);
    await twins.patchReported(SENSOR, { early: 1 });
    await quietPeriod();
    expect(kinds(link)).toEqual([]);
    own = true;
    // The retry timer takes the one left pending; the new one goes at once.
    await twins.patchReported(SENSOR, { late: 2 });
    await waitFor(() => link.twin('sensor').reported.late === 2 && link.twin('sensor').reported.early === 1, 'both patches at the cloud');
  });
});

describe('twin service under the real resync round', () => {
  it('sends nothing before the round reaches its reported step, then the patches, then the desired reads', async () => {
    const link = new FakeLink();
    link.twin('edge/filter').desired = { threshold: 1, $version: 2 };
    let resync: Resync | undefined;
    const twins = start(link, new MemoryRecords(), () => resync?.completed === true);
    let releaseMessages!: (delivered: number) => void;
    let messageCalls = 0;
    resync = new Resync({
      link,
      messages: {
        mark: () => new Map(),
        deliveredThrough: () => {
          messageCalls += 1;
          return new Promise<number>((resolve) => (releaseMessages = resolve));
        },
      },
      twins,
      scope: { refreshWithOutcome: async () => ({ ok: true, identities: 3, added: 0, removed: 0 }) },
      log: () => undefined,
    });
    rounds.push(resync);
    await waitFor(() => messageCalls === 1, 'the first round to start');
    releaseMessages(0);
    await waitFor(() => resync.completed, 'the first round to finish');
    await twins.get(FILTER);
    const patches: unknown[] = [];
    twins.onDesired(FILTER, (patch) => patches.push(patch));

    link.cut();
    await twins.patchReported(FILTER, { offline: 1 });
    await twins.patchReported(SENSOR, { offline: 2 });
    link.patchDesired('edge/filter', { threshold: 5 });
    const before = link.requests.length;
    link.restore();
    await waitFor(() => messageCalls === 2, 'the second round to start');
    // The messages step holds the round: a patch made now waits too, and nothing goes up.
    await twins.patchReported(FILTER, { during: 3 });
    await quietPeriod();
    expect(link.requests.slice(before)).toEqual([]);
    expect(resync.view().steps.map((step) => step.state)).toEqual(['running', 'pending', 'pending', 'pending']);

    releaseMessages(0);
    await waitFor(() => resync.completed, 'the second round to finish');
    expect(kinds(link).slice(before)).toEqual(['patch-reported edge/filter', 'patch-reported sensor', 'get edge/filter']);
    expect(link.twin('edge/filter').reported).toMatchObject({ offline: 1, during: 3 });
    expect(patches).toEqual([{ threshold: 5, $version: 3 }]);
    expect(resync.view().steps.map((step) => [step.step, step.state, step.count])).toEqual([
      ['messages', 'done', 0],
      ['reported', 'done', 2],
      ['desired', 'done', 1],
      ['scope', 'done', 3],
    ]);
  });
});
