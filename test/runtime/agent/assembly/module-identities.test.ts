// Module identities as the agent keeps them in the cloud, against the emulator's registry with
// the edge device's own SAS token (docs/FACTS.md §9): missing ones are created with managedBy
// "IotEdge"; removed ones are deleted only when IoT Edge manages them (one made out of band stays,
// as edgeAgent's ModuleIdentityLifecycleManager leaves it); a wrong key is a one-line refusal.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EDGE_MANAGED_BY, ModuleIdentityError, listModuleIdentities, syncModuleIdentities, type RegistryConnection } from '../../../../src/runtime/agent/module-identities.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';

let cloud: TestCloud;
let connection: RegistryConnection;

beforeAll(async () => {
  cloud = await startTestCloud();
  const device = await cloud.client.createDevice('edge', { edge: true });
  await cloud.client.createModule('edge', 'handmade');
  connection = {
    hostName: `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`,
    httpsPort: cloud.running.info.https.port,
    deviceId: 'edge',
    key: device.authentication.symmetricKey.primaryKey,
    ca: cloud.ca,
  };
});

afterAll(async () => {
  await cloud?.close();
});

describe('syncModuleIdentities', () => {
  it('creates the missing identities as IoT Edge-managed, and deletes removed ones only when IoT Edge manages them', async () => {
    expect(await syncModuleIdentities(connection, { wanted: ['filter', 'sensor', 'handmade'], removed: [] })).toEqual({ created: ['filter', 'sensor'], deleted: [] });
    const listed = await listModuleIdentities(connection);
    const managedBy = Object.fromEntries(listed.map((identity) => [identity.moduleId, identity.managedBy ?? null]));
    expect(managedBy).toMatchObject({ filter: EDGE_MANAGED_BY, sensor: EDGE_MANAGED_BY, handmade: null });
    expect(listed.find((identity) => identity.moduleId === 'filter')?.generationId).toEqual(expect.any(String));

    // Nothing to do the second time.
    expect(await syncModuleIdentities(connection, { wanted: ['filter', 'sensor', 'handmade'], removed: [] })).toEqual({ created: [], deleted: [] });

    expect(await syncModuleIdentities(connection, { wanted: ['filter'], removed: ['sensor', 'handmade', 'never-existed'] })).toEqual({ created: [], deleted: ['sensor'] });
    const left = (await cloud.client.listModules('edge')).map((identity) => identity.moduleId).sort();
    expect(left).toEqual(['$edgeAgent', '$edgeHub', 'filter', 'handmade']);
  });

  it('says in one line that the cloud refused a wrong key', async () => {
    const wrong = { ...connection, key: Buffer.from('not the key').toString('base64') };
    const error = await syncModuleIdentities(wrong, { wanted: ['x'], removed: [] }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModuleIdentityError);
    expect((error as ModuleIdentityError).status).toBe(401);
    expect((error as Error).message).toMatch(/^the cloud refused to list the module identities of edge: HTTP 401 \(.+\)$/);
  });

  it('says in one line that the cloud cannot be reached', async () => {
    const closed = { ...connection, httpsPort: 1 };
    await expect(syncModuleIdentities(closed, { wanted: ['x'], removed: [] })).rejects.toThrow(/^cannot reach the cloud at 127\.0\.0\.1:1 \(ECONNREFUSED\)$/);
  });
});
