// The twin service and the $edgeHub watch against the real emulator (edgewise cloud) through the
// real upstream link, with the hub store on lmdb in a temp folder: reported patches made while
// cut reach the cloud's twin on restore (also after a restart of the store), a read while cut
// answers the stored copy, desired changes made during an outage reach the client on restore,
// and a deployment of $edgeHub is applied and reported.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUpstreamLink, type UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { createTwinService, type TwinService } from '../../../../src/runtime/hub/upstream/twin-service.js';
import { watchEdgeHubTwin } from '../../../../src/runtime/hub/upstream/edge-twin-watch.js';
import { identityKey, type ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';
import { waitFor } from './twin-fakes.js';

const EDGE = 'edge';
const FILTER: ClientIdentity = { deviceId: EDGE, moduleId: 'filter' };
const EDGE_HUB: ClientIdentity = { deviceId: EDGE, moduleId: '$edgeHub' };

let cloud: TestCloud;
let folder: string;
let keys: Map<string, string>;
const cleanups: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  cloud = await startTestCloud();
  folder = mkdtempSync(join(tmpdir(), 'edgewise-twins-'));
  const edge = await cloud.client.createDevice(EDGE, { edge: true });
  await cloud.client.createModule(EDGE, 'filter');
  keys = new Map([[EDGE, edge.authentication.symmetricKey.primaryKey]]);
  for (const module of await cloud.client.listModules(EDGE)) keys.set(`${EDGE}/${module.moduleId}`, module.authentication.symmetricKey.primaryKey);
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await cloud.close();
  rmSync(folder, { recursive: true, force: true });
});

function link(): UpstreamLink {
  const { host, port } = cloud.running.info.mqtt;
  const created = createUpstreamLink(EDGE, { hostName: `${host}:${port}`, protocol: 'Mqtt', ca: cloud.ca, keyOf: (identity) => keys.get(identityKey(identity)), backoff: { minMs: 50, maxMs: 500 } });
  cleanups.push(() => created.close());
  return created;
}

function store(): HubStore {
  const opened = openHubStore(join(folder, 'store'));
  cleanups.push(() => opened.close());
  return opened;
}

function twinService(upstream: UpstreamLink, hubStore: HubStore): TwinService {
  const service = createTwinService({ link: upstream, records: hubStore.twins, retryIntervalMs: 200 });
  cleanups.push(() => service.close());
  return service;
}

async function cloudReported(identity: ClientIdentity): Promise<Record<string, unknown>> {
  return (await cloud.client.getTwin(identity.deviceId, identity.moduleId)).properties.reported;
}

describe('twins through the upstream link to the emulator', () => {
  it('sends reported properties when connected', async () => {
    const upstream = link();
    const twins = twinService(upstream, store());
    await waitFor(() => upstream.state === 'connected', 'the link');
    await twins.patchReported(FILTER, { status: 'ready' });
    await waitFor(async () => (await cloudReported(FILTER)).status === 'ready', 'the reported property in the cloud');
  });

  it('keeps patches made while cut, answers reads from the stored copy, and sends them on restore', async () => {
    const upstream = link();
    const twins = twinService(upstream, store());
    await waitFor(() => upstream.state === 'connected', 'the link');
    await cloud.client.updateDesired(EDGE, 'filter', { threshold: 5 });
    await twins.patchReported(FILTER, { firmware: '1.0', old: true });
    await waitFor(async () => (await cloudReported(FILTER)).old === true, 'the first patch in the cloud');
    expect((await twins.get(FILTER)).desired).toMatchObject({ threshold: 5 });

    upstream.cut();
    expect(upstream.state).toBe('cut');
    await twins.patchReported(FILTER, { firmware: '1.1', old: null });
    await twins.patchReported(FILTER, { battery: 80 });
    await cloud.client.updateDesired(EDGE, 'filter', { threshold: 9 });
    const offline = await twins.get(FILTER);
    expect(offline.desired).toMatchObject({ threshold: 5 });
    expect(offline.reported).toMatchObject({ firmware: '1.1', battery: 80 });
    expect(offline.reported).not.toHaveProperty('old');
    expect(await cloudReported(FILTER)).toMatchObject({ firmware: '1.0', old: true });

    upstream.restore();
    await waitFor(async () => (await cloudReported(FILTER)).battery === 80, 'the offline patches in the cloud');
    const reported = await cloudReported(FILTER);
    expect(reported).toMatchObject({ firmware: '1.1', battery: 80 });
    expect(reported).not.toHaveProperty('old');
  });

  it('keeps pending patches across a restart of the store and sends them once connected', async () => {
    const first = link();
    first.cut();
    const firstStore = store();
    const firstTwins = twinService(first, firstStore);
    await firstTwins.patchReported(FILTER, { restarted: 'before' });
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();

    const second = link();
    const twins = twinService(second, store());
    expect((await twins.get(FILTER)).reported).toMatchObject({ restarted: 'before' });
    await waitFor(async () => (await cloudReported(FILTER)).restarted === 'before', 'the patch from before the restart in the cloud');
  });

  it('pushes to a subscribed client the desired changes made during an outage', async () => {
    const upstream = link();
    const twins = twinService(upstream, store());
    await waitFor(() => upstream.state === 'connected', 'the link');
    await cloud.client.updateDesired(EDGE, 'filter', { threshold: 1, mode: 'fast' });
    await twins.get(FILTER);
    const received: [Record<string, unknown>, number][] = [];
    twins.onDesired(FILTER, (patch, version) => received.push([patch, version]));

    upstream.cut();
    await cloud.client.updateDesired(EDGE, 'filter', { threshold: 2 });
    const after = await cloud.client.updateDesired(EDGE, 'filter', { mode: null });
    upstream.restore();
    await waitFor(() => received.length > 0, 'the difference after the outage');
    const version = after.properties.desired.$version;
    expect(received).toEqual([[{ threshold: 2, mode: null, $version: version }, version]]);

    // Online again: the next change comes as the cloud's own patch.
    await cloud.client.updateDesired(EDGE, 'filter', { threshold: 3 });
    await waitFor(() => received.length === 2, 'the live patch');
    expect(received[1]).toEqual([{ threshold: 3, $version: version + 1 }, version + 1]);
  });

  it('applies a deployment of $edgeHub without a restart and reports it in its reported properties', async () => {
    const upstream = link();
    const twins = twinService(upstream, store());
    const applied: [Record<string, unknown>, number][] = [];
    const stop = watchEdgeHubTwin({
      link: upstream,
      twins,
      edgeDeviceId: EDGE,
      apply: (desired, version) => {
        applied.push([desired, version]);
        return typeof desired.routes === 'object' ? { ok: true } : { ok: false, reason: 'routes are missing' };
      },
    });
    cleanups.push(stop);
    const deployment = { schemaVersion: '1.1', routes: { all: { route: 'FROM /messages/* INTO $upstream' } }, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } };
    await cloud.client.applyConfigurationContent(EDGE, { modulesContent: { $edgeHub: { 'properties.desired': deployment } } });
    await waitFor(() => applied.length > 0, 'the deployment to be applied');
    expect(applied.at(-1)![0]).toEqual(deployment);
    await waitFor(async () => (await cloudReported(EDGE_HUB)).lastDesiredVersion === applied.at(-1)![1], 'the report in the cloud');
    expect(await cloudReported(EDGE_HUB)).toMatchObject({ schemaVersion: '1.0', lastDesiredStatus: { code: 200, description: '' } });

    const second = { ...deployment, storeAndForwardConfiguration: { timeToLiveSecs: 10 } };
    await cloud.client.applyConfigurationContent(EDGE, { modulesContent: { $edgeHub: { 'properties.desired': second } } });
    await waitFor(() => applied.some(([desired]) => (desired.storeAndForwardConfiguration as { timeToLiveSecs: number }).timeToLiveSecs === 10), 'the second deployment');
    expect(applied.at(-1)![0]).toEqual(second);
  });
});
