// Twins against a real lmdb store: merges where nulls delete, versions that only grow, etags with
// If-Match, desired-change events after commit, IoT Hub's limits refused whole, and a reopen.
import { afterAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import { IdentityRegistry } from '../../../src/runtime/cloud/identities.js';
import { TwinStore, type DesiredChange } from '../../../src/runtime/cloud/twins.js';
import { ScratchStores } from '../store/scratch-store.js';

const stores = new ScratchStores();
afterAll(() => stores.cleanUp());

async function withDevice() {
  const { folder, store } = stores.fresh();
  const registry = new IdentityRegistry(store);
  await registry.createDevice({ deviceId: 'sensor-1' });
  return { folder, store, registry, twins: new TwinStore(store) };
}

async function refusal(action: () => unknown): Promise<CloudError> {
  try {
    await action();
  } catch (error) {
    expect(error).toBeInstanceOf(CloudError);
    return error as CloudError;
  }
  throw new Error('expected a CloudError');
}

function nested(depth: number): Record<string, unknown> {
  let value: Record<string, unknown> = { leaf: 1 };
  for (let level = depth; level > 1; level -= 1) value = { [`level${level}`]: value };
  return { level1: value };
}

describe('TwinStore', () => {
  it('starts a new identity with empty sections at $version 1', async () => {
    const { twins } = await withDevice();
    const twin = twins.get('sensor-1');
    expect(twin).toMatchObject({ deviceId: 'sensor-1', version: 1, status: 'enabled', tags: {}, properties: { desired: { $version: 1 }, reported: { $version: 1 } } });
    expect(twin.etag).toBe('AAAAAAAAAAE=');
    expect(twin.properties.desired.$metadata).toMatchObject({ $lastUpdated: expect.stringMatching(/Z$/), $lastUpdatedVersion: 1 });
  });

  it('merges reported patches, nulls delete, and the reported $version grows', async () => {
    const { twins } = await withDevice();
    expect(await twins.patchReported('sensor-1', undefined, { firmware: '1.0', telemetry: { interval: 5, unit: 's' } })).toBe(2);
    expect(await twins.patchReported('sensor-1', undefined, { firmware: null, telemetry: { unit: null, jitter: true } })).toBe(3);
    const { reported } = twins.get('sensor-1').properties;
    expect(reported).toMatchObject({ telemetry: { interval: 5, jitter: true }, $version: 3 });
    expect(reported).not.toHaveProperty('firmware');
    expect(reported.telemetry).not.toHaveProperty('unit');
    expect(reported.$metadata).toMatchObject({ telemetry: { interval: { $lastUpdated: expect.any(String) }, jitter: { $lastUpdated: expect.any(String) } } });
    expect(reported.$metadata).not.toHaveProperty('firmware');
    // Reported changes move the etag but not the twin version (which counts tags and desired).
    expect(twins.get('sensor-1').version).toBe(1);
    expect(twins.get('sensor-1').etag).not.toBe('AAAAAAAAAAE=');
  });

  it('merges desired patches, bumps both versions and the etag, and tells listeners the patch with nulls', async () => {
    const { twins } = await withDevice();
    const changes: DesiredChange[] = [];
    const stop = twins.onDesired((change) => changes.push(change));
    const first = await twins.patchDesired('sensor-1', undefined, { interval: 5, mode: 'fast' });
    const second = await twins.patchDesired('sensor-1', undefined, { mode: null }, `"${first.etag}"`);
    expect(second.properties.desired).toMatchObject({ interval: 5, $version: 3 });
    expect(second.properties.desired).not.toHaveProperty('mode');
    expect(second.version).toBe(3);
    expect(second.etag).not.toBe(first.etag);
    expect(changes).toEqual([
      { deviceId: 'sensor-1', patch: { interval: 5, mode: 'fast', $version: 2 } },
      { deviceId: 'sensor-1', patch: { mode: null, $version: 3 } },
    ]);
    stop();
    await twins.patchDesired('sensor-1', undefined, { more: 1 });
    expect(changes).toHaveLength(2);
  });

  it('refuses a desired patch whose If-Match is stale (412) and accepts "*"', async () => {
    const { twins } = await withDevice();
    const before = twins.get('sensor-1');
    await twins.patchDesired('sensor-1', undefined, { a: 1 });
    expect(await refusal(() => twins.patchDesired('sensor-1', undefined, { a: 2 }, `"${before.etag}"`))).toMatchObject({ status: 412, errorCode: 'PreconditionFailed' });
    expect(twins.get('sensor-1').properties.desired.a).toBe(1);
    expect((await twins.patchDesired('sensor-1', undefined, { a: 3 }, '"*"')).properties.desired.a).toBe(3);
  });

  it('patches tags and desired properties together, and refuses reported ones from the service', async () => {
    const { twins } = await withDevice();
    const twin = await twins.patchTwin('sensor-1', undefined, { tags: { site: 'north' }, properties: { desired: { interval: 10 } } }, '*');
    expect(twin).toMatchObject({ version: 2, tags: { site: 'north' }, properties: { desired: { interval: 10, $version: 2 } } });
    expect((await twins.patchTags('sensor-1', undefined, { site: null, floor: 3 })).tags).toEqual({ floor: 3 });
    expect(await refusal(() => twins.patchTwin('sensor-1', undefined, { properties: { reported: { x: 1 } } }))).toMatchObject({ status: 400 });
  });

  it('replaces the whole desired section and tells listeners what went away', async () => {
    const { twins, registry } = await withDevice();
    await registry.createDevice({ deviceId: 'edge-1', capabilities: { iotEdge: true } });
    await twins.replaceDesired('edge-1', '$edgeAgent', { schemaVersion: '1.1', runtime: { type: 'docker' }, modules: { old: {} } });
    const changes: DesiredChange[] = [];
    twins.onDesired((change) => changes.push(change));
    const twin = await twins.replaceDesired('edge-1', '$edgeAgent', { schemaVersion: '1.1', runtime: { type: 'docker' } });
    expect(twin.properties.desired).toMatchObject({ schemaVersion: '1.1', runtime: { type: 'docker' }, $version: 3 });
    expect(twin.properties.desired).not.toHaveProperty('modules');
    expect(changes).toEqual([{ deviceId: 'edge-1', moduleId: '$edgeAgent', patch: { modules: null, schemaVersion: '1.1', runtime: { type: 'docker' }, $version: 3 } }]);
  });

  it('ignores $version and $metadata sent back in a patch', async () => {
    const { twins } = await withDevice();
    expect(await twins.patchReported('sensor-1', undefined, { $version: 99, $metadata: {}, ok: true })).toBe(2);
    expect(twins.get('sensor-1').properties.reported).toMatchObject({ ok: true, $version: 2 });
  });

  it('refuses patches over IoT Hub limits, whole, and keeps the twin as it was', async () => {
    const { twins } = await withDevice();
    await twins.patchReported('sensor-1', undefined, { kept: 1 });
    const before = twins.get('sensor-1');
    const refused = [
      { 'bad.key': 1 },
      { bad$key: 1 },
      { 'bad key': 1 },
      { ['k'.repeat(1025)]: 1 },
      nested(11),
      { big: 'x'.repeat(4097) },
      { list: [1, null] },
      { huge: 2 ** 53 },
      Object.fromEntries(Array.from({ length: 9 }, (_, index) => [`part${index}`, 'x'.repeat(4000)])),
    ];
    for (const patch of refused) {
      const error = await refusal(() => twins.patchReported('sensor-1', undefined, { ok: 2, ...patch }));
      expect(error, JSON.stringify(patch).slice(0, 60)).toMatchObject({ status: 400, errorCode: 'ArgumentInvalid' });
    }
    expect(await refusal(() => twins.patchDesired('sensor-1', undefined, nested(11)))).toMatchObject({ status: 400 });
    expect(await refusal(() => twins.patchTags('sensor-1', undefined, { a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(400) }))).toMatchObject({ status: 400 });
    expect(await refusal(() => twins.patchReported('sensor-1', undefined, [] as never))).toMatchObject({ status: 400 });
    expect(twins.get('sensor-1')).toEqual(before);
  });

  it('accepts what sits just inside the limits: depth 10, 32 KB sections', async () => {
    const { twins } = await withDevice();
    await twins.patchReported('sensor-1', undefined, nested(10));
    const almostFull = Object.fromEntries(Array.from({ length: 8 }, (_, index) => [`part${index}`, 'x'.repeat(4000)]));
    await twins.patchReported('sensor-1', undefined, { level1: null, ...almostFull });
    expect(Object.keys(twins.get('sensor-1').properties.reported)).toContain('part7');
  });

  it('gives 404 for identities that do not exist', async () => {
    const { twins } = await withDevice();
    expect(await refusal(() => twins.get('ghost'))).toMatchObject({ status: 404, errorCode: 'DeviceNotFound' });
    expect(await refusal(() => twins.get('sensor-1', 'ghost'))).toMatchObject({ status: 404, errorCode: 'ModuleNotFound' });
    expect(await refusal(() => twins.patchReported('ghost', undefined, { a: 1 }))).toMatchObject({ status: 404 });
  });

  it('shows the device status and scope fields in the twin', async () => {
    const { twins, registry } = await withDevice();
    await registry.updateDevice({ deviceId: 'sensor-1', status: 'disabled' }, '*');
    expect(twins.get('sensor-1')).toMatchObject({ status: 'disabled', authenticationType: 'sas', capabilities: { iotEdge: false }, parentScopes: [], connectionState: 'Disconnected' });
  });

  it('keeps twins and versions across a reopen', async () => {
    const { folder, store, twins } = await withDevice();
    await twins.patchDesired('sensor-1', undefined, { interval: 5 });
    await twins.patchReported('sensor-1', undefined, { firmware: '1.0' });
    const before = twins.get('sensor-1');
    const again = new TwinStore(await stores.reopen(folder, store));
    expect(again.get('sensor-1')).toEqual(before);
    expect((await again.patchDesired('sensor-1', undefined, { interval: 6 })).properties.desired.$version).toBe(3);
  });

  it('ensure returns the existing twin and removes can be undone by ensure', async () => {
    const { twins } = await withDevice();
    await twins.patchDesired('sensor-1', undefined, { a: 1 });
    expect((await twins.ensure('sensor-1')).properties.desired.a).toBe(1);
    await twins.remove('sensor-1');
    expect((await twins.ensure('sensor-1')).properties.desired).toMatchObject({ $version: 1 });
    expect(await refusal(() => twins.ensure('ghost'))).toMatchObject({ status: 404 });
  });
});
