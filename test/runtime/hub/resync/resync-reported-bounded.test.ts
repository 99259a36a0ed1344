// The reported step sends what was pending when it began (review finding: it went on until nothing
// was pending, so a client reporting faster than a cloud round trip held the round for ever): here
// the client reports anew during every patch request; the step ends with the patches that were
// pending at its start, and the later ones go up by the twin service's own syncing afterwards.
import { afterEach, expect, it } from 'vitest';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import type { TwinRequest, TwinResponse } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { FakeLink, MemoryRecords, waitFor } from '../twins/twin-fakes.js';

const SENSOR = { deviceId: 'sensor' };
/** Reports made while patches are on their way, in all. */
const LATER_REPORTS = 50;

/** A cloud whose every reported-patch round trip is longer than the client's reporting interval. */
class BusyClientLink extends FakeLink {
  reports = 0;
  reporter: TwinService | undefined;

  override async twinRequest(identity: ClientIdentity, request: TwinRequest): Promise<TwinResponse> {
    if (request.kind === 'patch-reported' && this.reporter && this.reports < LATER_REPORTS) {
      this.reports += 1;
      await this.reporter.patchReported(SENSOR, { temperature: this.reports });
    }
    return super.twinRequest(identity, request);
  }
}

let twins: TwinService | undefined;
let resync: Resync | undefined;
afterEach(async () => {
  resync?.stop();
  await twins?.close();
  resync = twins = undefined;
});

it('ends with the patches pending at its start while the client keeps reporting, which go up after the round', async () => {
  const link = new BusyClientLink();
  link.state = 'cut';
  twins = createTwinService({ link, records: new MemoryRecords(), retryIntervalMs: 20, autoSync: () => resync?.completed === true });
  // Two patches that cannot merge (a deletion, then a value under it).
  await twins.patchReported(SENSOR, { config: null });
  await twins.patchReported(SENSOR, { config: { mode: 'eco' } });
  expect(twins.pendingReported()).toEqual({ patches: 2, identities: 1 });
  link.reporter = twins;
  resync = new Resync({
    link,
    messages: { mark: () => new Map(), deliveredThrough: async () => 0 },
    twins,
    scope: { refreshWithOutcome: async () => ({ ok: true, identities: 1, added: 0, removed: 0 }) },
    log: () => undefined,
  });
  link.restore();

  await waitFor(() => resync!.view().steps[1]!.state === 'done', 'the reported step to end');
  expect(resync.view().steps[1]).toMatchObject({ state: 'done', count: 2 });
  await waitFor(() => resync!.completed, 'the round to finish');
  // What the client reported meanwhile goes up by the service's own syncing.
  await waitFor(() => link.reports === LATER_REPORTS && twins!.pendingReported().patches === 0, 'the later reports to go up');
  expect(link.twin('sensor').reported).toMatchObject({ config: { mode: 'eco' }, temperature: LATER_REPORTS });
});
