// The identity registry against a real lmdb store: IoT Hub's create/get/update/delete rules with
// etags and 404/409/412, generated keys, edge devices' system modules, parents, and the scope an
// edge hub learns. Reopening the store proves each write is durable.
import { afterAll, describe, expect, it } from 'vitest';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import { IdentityRegistry } from '../../../src/runtime/cloud/identities.js';
import { TwinStore } from '../../../src/runtime/cloud/twins.js';
import { ScratchStores } from '../store/scratch-store.js';

const stores = new ScratchStores();
afterAll(() => stores.cleanUp());

function registry() {
  const { folder, store } = stores.fresh();
  return { folder, store, registry: new IdentityRegistry(store), twins: new TwinStore(store) };
}

async function refusal(promise: Promise<unknown> | (() => unknown)): Promise<CloudError> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(error).toBeInstanceOf(CloudError);
    return error as CloudError;
  }
  throw new Error('expected a CloudError');
}

const base64Key = /^[A-Za-z0-9+/]{43}=$/;

describe('IdentityRegistry devices', () => {
  it('creates a device with generated keys and IoT Hub fields, and keeps it across a reopen', async () => {
    const { folder, store, registry: hub } = registry();
    const device = await hub.createDevice({ deviceId: 'sensor-1', authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } });
    expect(device.authentication.symmetricKey.primaryKey).toMatch(base64Key);
    expect(device.authentication.symmetricKey.secondaryKey).toMatch(base64Key);
    expect(device.authentication.symmetricKey.primaryKey).not.toBe(device.authentication.symmetricKey.secondaryKey);
    expect(device).toMatchObject({ status: 'enabled', capabilities: { iotEdge: false }, parentScopes: [], connectionState: 'Disconnected', cloudToDeviceMessageCount: 0 });
    expect(device.generationId).toMatch(/^\d{18}$/);
    expect(Buffer.from(device.etag, 'base64').toString()).toMatch(/^\d+$/);
    const again = new IdentityRegistry(await stores.reopen(folder, store));
    expect(again.getDevice('sensor-1')).toEqual(device);
    expect(again.listDevices().map((d) => d.deviceId)).toEqual(['sensor-1']);
  });

  it('keeps keys that are given', async () => {
    const { registry: hub } = registry();
    const primaryKey = Buffer.alloc(32, 1).toString('base64');
    const device = await hub.createDevice({ deviceId: 'd', authentication: { type: 'sas', symmetricKey: { primaryKey, secondaryKey: '' } } });
    expect(device.authentication.symmetricKey.primaryKey).toBe(primaryKey);
    expect(device.authentication.symmetricKey.secondaryKey).toMatch(base64Key);
  });

  it('refuses a second device with the same id (409) and bad ids, keys or types (400)', async () => {
    const { registry: hub } = registry();
    await hub.createDevice({ deviceId: 'sensor-1' });
    expect(await refusal(hub.createDevice({ deviceId: 'sensor-1' }))).toMatchObject({ status: 409, errorCode: 'DeviceAlreadyExists', numericCode: 409001 });
    expect(await refusal(hub.createDevice({ deviceId: 'has space' }))).toMatchObject({ status: 400, errorCode: 'ArgumentInvalid', numericCode: 400004 });
    expect(await refusal(hub.createDevice({ deviceId: 'x'.repeat(129) }))).toMatchObject({ status: 400 });
    expect(await refusal(hub.createDevice({ deviceId: 'k', authentication: { type: 'sas', symmetricKey: { primaryKey: 'not base64!', secondaryKey: '' } } }))).toMatchObject({ status: 400 });
    expect(await refusal(hub.createDevice({ deviceId: 'x509', authentication: { type: 'selfSigned' } as never }))).toMatchObject({ status: 400 });
    expect(hub.listDevices().map((d) => d.deviceId)).toEqual(['sensor-1']);
  });

  it('gives 404 for devices that do not exist', async () => {
    const { registry: hub } = registry();
    expect(hub.getDevice('ghost')).toBeUndefined();
    expect(await refusal(hub.updateDevice({ deviceId: 'ghost', status: 'disabled' }))).toMatchObject({ status: 404, errorCode: 'DeviceNotFound', numericCode: 404001 });
    expect(await refusal(hub.deleteDevice('ghost'))).toMatchObject({ status: 404, errorCode: 'DeviceNotFound' });
  });

  it('updates with If-Match: the current etag, * and "*" pass, another etag gives 412', async () => {
    const { folder, store, registry: hub } = registry();
    const created = await hub.createDevice({ deviceId: 'sensor-1' });
    const disabled = await hub.updateDevice({ deviceId: 'sensor-1', status: 'disabled', statusReason: 'maintenance' }, `"${created.etag}"`);
    expect(disabled).toMatchObject({ status: 'disabled', statusReason: 'maintenance', generationId: created.generationId });
    expect(disabled.etag).not.toBe(created.etag);
    expect(disabled.statusUpdatedTime).not.toBe(created.statusUpdatedTime);
    expect(await refusal(hub.updateDevice({ deviceId: 'sensor-1', status: 'enabled' }, `"${created.etag}"`))).toMatchObject({ status: 412, errorCode: 'PreconditionFailed', numericCode: 412001 });
    await hub.updateDevice({ deviceId: 'sensor-1', status: 'enabled' }, '"*"');
    const forced = await hub.updateDevice({ deviceId: 'sensor-1', status: 'disabled' }, '*');
    expect(new IdentityRegistry(await stores.reopen(folder, store)).getDevice('sensor-1')).toEqual(forced);
  });

  it('keeps the keys when an update sends empty ones, as the service SDK does', async () => {
    const { registry: hub } = registry();
    const created = await hub.createDevice({ deviceId: 'sensor-1' });
    const updated = await hub.updateDevice({ deviceId: 'sensor-1', status: 'disabled', authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } }, '"*"');
    expect(updated.authentication).toEqual(created.authentication);
  });

  it('deletes a device with its modules and twins, honouring If-Match', async () => {
    const { folder, store, registry: hub, twins } = registry();
    const edge = await hub.createDevice({ deviceId: 'edge-1', capabilities: { iotEdge: true } });
    await hub.createModule({ deviceId: 'edge-1', moduleId: 'filter' });
    await hub.createDevice({ deviceId: 'edge-10' });
    await hub.createModule({ deviceId: 'edge-10', moduleId: 'other' });
    expect(await refusal(hub.deleteDevice('edge-1', '"stale"'))).toMatchObject({ status: 412 });
    await hub.deleteDevice('edge-1', `"${edge.etag}"`);
    expect(hub.getDevice('edge-1')).toBeUndefined();
    expect(hub.listModules('edge-1')).toEqual([]);
    expect(await refusal(() => twins.get('edge-1'))).toMatchObject({ status: 404, errorCode: 'DeviceNotFound' });
    // A device whose id starts with the removed one keeps its module and twins.
    expect(hub.listModules('edge-10').map((m) => m.moduleId)).toEqual(['other']);
    const again = await stores.reopen(folder, store);
    expect(new IdentityRegistry(again).listDevices().map((d) => d.deviceId)).toEqual(['edge-10']);
    expect(new TwinStore(again).get('edge-10', 'other').moduleId).toBe('other');
  });

  it('records connection state without changing the etag', async () => {
    const { registry: hub } = registry();
    const created = await hub.createDevice({ deviceId: 'sensor-1' });
    await hub.setConnectionState('sensor-1', undefined, 'Connected');
    const connected = hub.getDevice('sensor-1')!;
    expect(connected).toMatchObject({ connectionState: 'Connected', etag: created.etag });
    expect(connected.connectionStateUpdatedTime).not.toBe(created.connectionStateUpdatedTime);
    await hub.setConnectionState('ghost', undefined, 'Connected');
    await hub.setConnectionState('sensor-1', 'ghost', 'Connected');
  });
});

describe('IdentityRegistry modules', () => {
  it('creates, lists, updates and deletes modules with 404, 409 and 412', async () => {
    const { folder, store, registry: hub, twins } = registry();
    await hub.createDevice({ deviceId: 'd' });
    expect(await refusal(hub.createModule({ deviceId: 'ghost', moduleId: 'm' }))).toMatchObject({ status: 404, errorCode: 'DeviceNotFound' });
    const module = await hub.createModule({ deviceId: 'd', moduleId: 'm', managedBy: 'IotEdge' });
    expect(module).toMatchObject({ deviceId: 'd', moduleId: 'm', managedBy: 'IotEdge', connectionState: 'Disconnected' });
    expect(module.authentication.symmetricKey.primaryKey).toMatch(base64Key);
    expect(twins.get('d', 'm').properties.desired.$version).toBe(1);
    expect(await refusal(hub.createModule({ deviceId: 'd', moduleId: 'm' }))).toMatchObject({ status: 409, errorCode: 'ModuleAlreadyExistsOnDevice', numericCode: 409301 });
    expect(await refusal(hub.updateModule({ deviceId: 'd', moduleId: 'nope' }))).toMatchObject({ status: 404, errorCode: 'ModuleNotFound', numericCode: 404010 });
    expect(await refusal(hub.updateModule({ deviceId: 'd', moduleId: 'm', managedBy: 'me' }, '"stale"'))).toMatchObject({ status: 412 });
    const updated = await hub.updateModule({ deviceId: 'd', moduleId: 'm', managedBy: 'me' }, `"${module.etag}"`);
    expect(updated).toMatchObject({ managedBy: 'me', generationId: module.generationId, authentication: module.authentication });
    const again = new IdentityRegistry(await stores.reopen(folder, store));
    expect(again.listModules('d')).toEqual([updated]);
    expect(await refusal(again.deleteModule('d', 'm', '"stale"'))).toMatchObject({ status: 412 });
    await again.deleteModule('d', 'm', '"*"');
    expect(again.getModule('d', 'm')).toBeUndefined();
    expect(await refusal(again.deleteModule('d', 'm'))).toMatchObject({ status: 404, errorCode: 'ModuleNotFound' });
  });

  it('gives an edge device the $edgeAgent and $edgeHub modules, with keys and twins', async () => {
    const { registry: hub, twins } = registry();
    const edge = await hub.createDevice({ deviceId: 'edge-1', capabilities: { iotEdge: true } });
    expect(edge.deviceScope).toBe(`ms-azure-iot-edge://edge-1-${edge.generationId}`);
    expect(edge.parentScopes).toEqual([]);
    const modules = hub.listModules('edge-1');
    expect(modules.map((m) => m.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub']);
    for (const module of modules) {
      expect(module.authentication.symmetricKey.primaryKey).toMatch(base64Key);
      expect(twins.get('edge-1', module.moduleId).properties.desired.$version).toBe(1);
    }
  });

  it('adds the system modules when a device becomes an edge device', async () => {
    const { registry: hub } = registry();
    await hub.createDevice({ deviceId: 'd' });
    const edge = await hub.updateDevice({ deviceId: 'd', capabilities: { iotEdge: true } }, '*');
    expect(edge.deviceScope).toMatch(/^ms-azure-iot-edge:\/\/d-\d{18}$/);
    expect(hub.listModules('d').map((m) => m.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub']);
  });
});

describe('IdentityRegistry parents', () => {
  async function family() {
    const made = registry();
    const edge = await made.registry.createDevice({ deviceId: 'edge-1', capabilities: { iotEdge: true } });
    const other = await made.registry.createDevice({ deviceId: 'edge-2', capabilities: { iotEdge: true } });
    return { ...made, edge, other };
  }

  it('makes a leaf device a child through deviceScope, as the Azure CLI does', async () => {
    const { registry: hub, edge } = await family();
    const child = await hub.createDevice({ deviceId: 'leaf', deviceScope: edge.deviceScope! });
    expect(child).toMatchObject({ deviceScope: edge.deviceScope, parentScopes: [edge.deviceScope] });
    expect(hub.parentOf(child)?.deviceId).toBe('edge-1');
  });

  it('makes an edge device a child through parentScopes, keeping its own scope', async () => {
    const { registry: hub, edge, other } = await family();
    const child = await hub.updateDevice({ deviceId: 'edge-2', parentScopes: [edge.deviceScope!] }, '*');
    expect(child).toMatchObject({ deviceScope: other.deviceScope, parentScopes: [edge.deviceScope] });
  });

  it('refuses a parent that is not an edge device', async () => {
    const { registry: hub } = await family();
    const leaf = await hub.createDevice({ deviceId: 'plain' });
    expect(await refusal(hub.createDevice({ deviceId: 'child', parentScopes: ['ms-azure-iot-edge://plain-123'] }))).toMatchObject({ status: 400, errorCode: 'ArgumentInvalid' });
    expect(await refusal(hub.createDevice({ deviceId: 'child', deviceScope: `ms-azure-iot-edge://plain-${leaf.generationId}` }))).toMatchObject({ status: 400 });
    expect(hub.getDevice('child')).toBeUndefined();
  });

  it('refuses a second parent, and more than one at once, with a clear error', async () => {
    const { registry: hub, edge, other } = await family();
    await hub.createDevice({ deviceId: 'leaf', deviceScope: edge.deviceScope! });
    const second = await refusal(hub.updateDevice({ deviceId: 'leaf', deviceScope: other.deviceScope! }, '*'));
    expect(second).toMatchObject({ status: 400, errorCode: 'ArgumentInvalid' });
    expect(second.message).toMatch(/already has the parent edge-1.*exactly one parent/);
    expect(await refusal(hub.createDevice({ deviceId: 'twice', parentScopes: [edge.deviceScope!, other.deviceScope!] }))).toMatchObject({ status: 400 });
    expect(await refusal(hub.createDevice({ deviceId: 'mixed', deviceScope: edge.deviceScope!, parentScopes: [other.deviceScope!] }))).toMatchObject({ status: 400 });
    expect(hub.getDevice('leaf')?.parentScopes).toEqual([edge.deviceScope]);
  });

  it('lets a device change parent after its parent was cleared', async () => {
    const { registry: hub, edge, other } = await family();
    await hub.createDevice({ deviceId: 'leaf', deviceScope: edge.deviceScope! });
    const orphan = await hub.updateDevice({ deviceId: 'leaf', deviceScope: '' }, '*');
    expect(orphan.parentScopes).toEqual([]);
    expect(orphan.deviceScope).toBeUndefined();
    expect((await hub.updateDevice({ deviceId: 'leaf', deviceScope: other.deviceScope! }, '*')).parentScopes).toEqual([other.deviceScope]);
  });

  it('keeps the parent when an update does not mention it', async () => {
    const { registry: hub, edge } = await family();
    await hub.createDevice({ deviceId: 'leaf', deviceScope: edge.deviceScope! });
    expect((await hub.updateDevice({ deviceId: 'leaf', status: 'disabled' }, '*')).parentScopes).toEqual([edge.deviceScope]);
  });

  it('refuses a device as its own parent and a cycle of edge devices', async () => {
    const { registry: hub, edge, other } = await family();
    expect(await refusal(hub.updateDevice({ deviceId: 'edge-1', parentScopes: [edge.deviceScope!] }, '*'))).toMatchObject({ status: 400 });
    await hub.updateDevice({ deviceId: 'edge-2', parentScopes: [edge.deviceScope!] }, '*');
    const cycle = await refusal(hub.updateDevice({ deviceId: 'edge-1', parentScopes: [other.deviceScope!] }, '*'));
    expect(cycle.message).toMatch(/cycle/);
  });

  it('refuses to turn a parent into a leaf device, and frees children when their parent is deleted', async () => {
    const { registry: hub, edge } = await family();
    await hub.createDevice({ deviceId: 'leaf', deviceScope: edge.deviceScope! });
    expect(await refusal(hub.updateDevice({ deviceId: 'edge-1', capabilities: { iotEdge: false } }, '*'))).toMatchObject({ status: 400 });
    await hub.deleteDevice('edge-1', '*');
    const leaf = hub.getDevice('leaf')!;
    expect(leaf.parentScopes).toEqual([]);
    expect(leaf.deviceScope).toBeUndefined();
  });

  it('scopeOf lists the edge device, its direct children and its modules', async () => {
    const { folder, store, registry: hub, edge, other } = await family();
    await hub.createDevice({ deviceId: 'leaf-a', deviceScope: edge.deviceScope! });
    await hub.updateDevice({ deviceId: 'edge-2', parentScopes: [edge.deviceScope!] }, '*');
    await hub.createDevice({ deviceId: 'grandchild', deviceScope: other.deviceScope! });
    await hub.createDevice({ deviceId: 'stranger' });
    await hub.createModule({ deviceId: 'edge-1', moduleId: 'filter' });
    const again = new IdentityRegistry(await stores.reopen(folder, store));
    const scope = again.scopeOf('edge-1');
    expect(scope.devices.map((d) => d.deviceId).sort()).toEqual(['edge-1', 'edge-2', 'leaf-a']);
    expect(scope.modules.map((m) => m.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub', 'filter']);
    expect(await refusal(() => again.scopeOf('stranger'))).toMatchObject({ status: 400 });
    expect(await refusal(() => again.scopeOf('ghost'))).toMatchObject({ status: 404 });
  });
});
