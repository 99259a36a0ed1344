// The $edgeHub twin watch against the fake link: a deployment in the desired properties reaches
// `apply` whole, on start, on each patch and after an outage, and its outcome is reported as
// edgeHub reports it (schemaVersion, lastDesiredVersion, lastDesiredStatus).
import { afterEach, describe, expect, it } from 'vitest';
import { watchEdgeHubTwin, type ApplyOutcome } from '../../../../src/runtime/hub/upstream/edge-twin-watch.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { FakeLink, MemoryRecords, waitFor } from './twin-fakes.js';

const KEY = 'edge/$edgeHub';
const DEPLOYMENT = {
  schemaVersion: '1.1',
  routes: { upstream: { route: 'FROM /messages/* INTO $upstream', priority: 0 } },
  storeAndForwardConfiguration: { timeToLiveSecs: 7200 },
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Watch {
  twins: TwinService;
  applied: { desired: Record<string, unknown>; version: number }[];
}

function watch(link: FakeLink, records: MemoryRecords, decide: (desired: Record<string, unknown>) => ApplyOutcome = () => ({ ok: true })): Watch {
  const twins = createTwinService({ link, records, retryIntervalMs: 50 });
  const applied: Watch['applied'] = [];
  const stop = watchEdgeHubTwin({
    link,
    twins,
    edgeDeviceId: 'edge',
    apply: (desired, version) => {
      applied.push({ desired: structuredClone(desired), version });
      return decide(desired);
    },
  });
  cleanups.push(() => twins.close(), stop);
  return { twins, applied };
}

describe('$edgeHub twin watch', () => {
  it('applies the deployment on start and reports it as edgeHub does', async () => {
    const link = new FakeLink();
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), $version: 3 };
    const { applied } = watch(link, new MemoryRecords());
    await waitFor(() => applied.length === 1, 'the deployment to be applied');
    expect(applied[0]).toEqual({ desired: DEPLOYMENT, version: 3 });
    await waitFor(() => link.twin(KEY).reported.lastDesiredVersion === 3, 'the report');
    expect(link.twin(KEY).reported).toMatchObject({ schemaVersion: '1.0', lastDesiredVersion: 3, lastDesiredStatus: { code: 200, description: '' } });
  });

  it('applies a desired patch as the whole new document, without a restart', async () => {
    const link = new FakeLink();
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), $version: 3 };
    const { applied } = watch(link, new MemoryRecords());
    await waitFor(() => applied.length === 1, 'the first deployment');
    await waitFor(() => link.desiredSubscribers(KEY) === 1, 'the subscription');
    link.patchDesired(KEY, { routes: { upstream: null, toFilter: { route: 'FROM /messages/* INTO BrokeredEndpoint("/modules/filter/inputs/in")' } }, storeAndForwardConfiguration: { timeToLiveSecs: 5 } });
    await waitFor(() => applied.length === 2, 'the patched deployment');
    expect(applied[1]).toEqual({
      desired: { schemaVersion: '1.1', routes: { toFilter: { route: 'FROM /messages/* INTO BrokeredEndpoint("/modules/filter/inputs/in")' } }, storeAndForwardConfiguration: { timeToLiveSecs: 5 } },
      version: 4,
    });
    await waitFor(() => link.twin(KEY).reported.lastDesiredVersion === 4, 'the report of version 4');
  });

  it('reports a refused deployment with code 400 and its reason', async () => {
    const link = new FakeLink();
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), routes: { bad: 'FROM nowhere' }, $version: 2 };
    const { applied } = watch(link, new MemoryRecords(), () => ({ ok: false, reason: 'route bad does not compile' }));
    await waitFor(() => applied.length === 1, 'the attempt');
    await waitFor(() => link.twin(KEY).reported.lastDesiredVersion === 2, 'the report');
    expect(link.twin(KEY).reported.lastDesiredStatus).toEqual({ code: 400, description: 'Error while parsing desired properties - route bad does not compile' });
  });

  it('leaves the settings alone when the cloud holds no deployment', async () => {
    const link = new FakeLink();
    const { applied } = watch(link, new MemoryRecords());
    await waitFor(() => link.requests.some((entry) => entry.key === KEY && entry.request.kind === 'get'), 'the read');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(applied).toEqual([]);
    expect(link.twin(KEY).reported).toEqual({ $version: 1 });
  });

  it('applies the stored deployment when it starts offline, then the one made during the outage once back', async () => {
    const link = new FakeLink();
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), $version: 3 };
    const records = new MemoryRecords();
    const first = watch(link, records);
    await waitFor(() => first.applied.length === 1, 'the first deployment');
    await waitFor(() => link.twin(KEY).reported.lastDesiredVersion === 3, 'the first report');
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

    link.cut();
    link.patchDesired(KEY, { storeAndForwardConfiguration: { timeToLiveSecs: 60 } });
    const second = watch(link, records);
    await waitFor(() => second.applied.length === 1, 'the stored deployment');
    expect(second.applied[0]).toEqual({ desired: DEPLOYMENT, version: 3 });

    link.restore();
    await waitFor(() => second.applied.length === 2, 'the deployment made during the outage');
    expect(second.applied[1]).toEqual({ desired: { ...DEPLOYMENT, storeAndForwardConfiguration: { timeToLiveSecs: 60 } }, version: 4 });
    await waitFor(() => link.twin(KEY).reported.lastDesiredVersion === 4, 'the report of version 4');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // The reconnect read and the pushed difference name the same version: applied once.
    expect(second.applied).toHaveLength(2);
  });

  it('reads the whole document again when a patch does not follow the version it holds', async () => {
    const link = new FakeLink();
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), $version: 3 };
    const { applied } = watch(link, new MemoryRecords());
    await waitFor(() => applied.length === 1, 'the first deployment');
    await waitFor(() => link.desiredSubscribers(KEY) === 1, 'the subscription');
    // Two changes nobody heard of, then one that is pushed.
    link.twin(KEY).desired = { ...structuredClone(DEPLOYMENT), routes: {}, $version: 5 };
    link.patchDesired(KEY, { routes: { late: { route: 'FROM /messages/* INTO $upstream' } } });
    await waitFor(() => applied.length === 2, 'the deployment after the gap');
    expect(applied[1]).toEqual({ desired: { ...DEPLOYMENT, routes: { late: { route: 'FROM /messages/* INTO $upstream' } } }, version: 6 });
  });
});
