// An interrupted round stops its work (review finding: the round stopped waiting for its step but
// the step's sending went on, so after a quick drop and return reported patches went up while the
// next round was still in its messages step): the reported sending stops before its next patch,
// and a desired read queued behind other work of the client is not made once the round ended.
import { afterEach, expect, it } from 'vitest';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { FakeLink, MemoryRecords, waitFor } from '../twins/twin-fakes.js';

const SENSOR = { deviceId: 'sensor' };
const FILTER = { deviceId: 'edge', moduleId: 'filter' };

let twins: TwinService | undefined;
let resync: Resync | undefined;
afterEach(async () => {
  resync?.stop();
  await twins?.close();
  resync = twins = undefined;
});

const scope = { refreshWithOutcome: async () => ({ ok: true as const, identities: 1, added: 0, removed: 0 }) };

it('sends no reported patch of an interrupted round while the next round waits for its messages', async () => {
  const link = new FakeLink();
  link.state = 'cut';
  twins = createTwinService({ link, records: new MemoryRecords(), retryIntervalMs: 20, autoSync: () => resync?.completed === true });
  // Three patches that cannot merge into one another.
  await twins.patchReported(SENSOR, { a: 1 });
  await twins.patchReported(SENSOR, { a: { b: 1 }, c: 1 });
  await twins.patchReported(SENSOR, { c: { d: 1 } });
  expect(twins.pendingReported().patches).toBe(3);
  let rounds = 0;
  let releaseMessages!: (delivered: number) => void;
  resync = new Resync({
    link,
    messages: {
      mark: () => new Map(),
      // Round 1: nothing stored. Round 2: a backlog still going up, until the test says.
      deliveredThrough: (_mark, { signal }) =>
        ++rounds === 1
          ? Promise.resolve(0)
          : new Promise<number>((resolve, reject) => {
              releaseMessages = resolve;
              signal.addEventListener('abort', () => reject(signal.reason));
            }),
    },
    twins,
    scope,
    log: () => undefined,
  });
  let releaseCloud!: () => void;
  link.hold = new Promise<void>((resolve) => (releaseCloud = resolve));
  link.restore();
  await waitFor(() => link.requests.length === 1, 'round 1 to send its first patch');
  expect(resync.view().steps[1]!.state).toBe('running');

  // A quick drop and return while that patch waits for the cloud.
  link.setState('disconnected');
  link.setState('connected');
  await waitFor(() => resync!.view().round === 2 && resync!.view().steps[0]!.state === 'running', 'round 2 to wait for its messages');
  link.hold = undefined;
  releaseCloud();
  // Long enough for the old sending to go on, had it not stopped: many retry ticks (20 ms).
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(link.requests.filter((entry) => entry.request.kind === 'patch-reported')).toHaveLength(1);
  expect(twins.pendingReported().patches).toBe(2);

  // Round 2's reported step sends the rest, once its messages step is over.
  releaseMessages(0);
  await waitFor(() => resync!.completed, 'round 2 to finish');
  expect(resync.view().steps[1]).toMatchObject({ state: 'done', count: 2 });
  expect(link.twin('sensor').reported).toMatchObject({ a: { b: 1 }, c: { d: 1 } });
});

it('does not make a desired read queued behind other work of the client once its round ended', async () => {
  const link = new FakeLink();
  twins = createTwinService({ link, records: new MemoryRecords(), autoSync: () => false });
  await twins.get(FILTER);
  twins.onDesired(FILTER, () => undefined);
  let releaseCloud!: () => void;
  link.hold = new Promise<void>((resolve) => (releaseCloud = resolve));
  // A desired change the hub missed (version 3 after 1): the client's queue reads the whole twin, and waits for the cloud.
  link.twin('edge/filter').desired = { seen: false, $version: 2 };
  link.patchDesired('edge/filter', { threshold: 4 });
  await waitFor(() => link.requests.length === 2, 'the read after the gap');

  const round = new AbortController();
  const reconcile = twins.reconcileDesired({ signal: round.signal }).then(
    (count) => `done ${count}`,
    (error: Error) => `failed: ${error.message}`,
  );
  round.abort(new Error('the upstream is disconnected'));
  link.hold = undefined;
  releaseCloud();
  expect(await reconcile).toBe('failed: the upstream is disconnected');
  await new Promise((resolve) => setTimeout(resolve, 50));
  expect(link.requests.map((entry) => entry.request.kind)).toEqual(['get', 'get']);
});
