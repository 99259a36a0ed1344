// The emulator the identity tests share, with a small world registered in it: an edge device EDGE
// with its system modules and a module "filter"; children of EDGE (child-1, and child-off which is
// disabled); another edge device OTHER with its own child; and a device with no parent.
import { parseConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import type { DeviceIdentity, ModuleIdentity } from '../../../../src/runtime/cloud/identities.js';
import { fetchDeviceScope } from '../../../../src/runtime/hub/identity/fetch-device-scope.js';
import type { CachedIdentity } from '../../../../src/runtime/hub/hub-types.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';

export const EDGE = 'edge-1';
export const OTHER_EDGE = 'edge-2';

export interface ScopeCloud {
  cloud: TestCloud;
  /** HostName as a device's connection string writes it: address and MQTT port. */
  hostName: string;
  httpsPort: number;
  edge: DeviceIdentity;
  filter: ModuleIdentity;
  edgeHub: ModuleIdentity;
  child: DeviceIdentity;
  disabledChild: DeviceIdentity;
  foreignChild: DeviceIdentity;
  loneDevice: DeviceIdentity;
  keyOf(identity: ClientIdentity): string;
  /** The scope as the hub reads it, signed as the edge device with the key of its connection string. */
  fetchScope(): Promise<CachedIdentity[]>;
  close(): Promise<void>;
}

export async function startScopeCloud(): Promise<ScopeCloud> {
  const cloud = await startTestCloud();
  try {
    const { client } = cloud;
    const edge = await client.createDevice(EDGE, { edge: true });
    const filter = await client.createModule(EDGE, 'filter');
    const child = await client.createDevice('child-1', { parent: edge });
    await client.createDevice('child-off', { parent: edge });
    const disabledChild = await client.setDeviceStatus('child-off', 'disabled');
    const otherEdge = await client.createDevice(OTHER_EDGE, { edge: true });
    const foreignChild = await client.createDevice('child-of-2', { parent: otherEdge });
    const loneDevice = await client.createDevice('lone-1');
    const edgeHub = (await client.listModules(EDGE)).find((module) => module.moduleId === '$edgeHub')!;
    const hostName = parseConnectionString(client.connectionString(EDGE, 'x')).HostName!;
    const keys = new Map<string, string>();
    for (const device of [edge, child, disabledChild, foreignChild, loneDevice, otherEdge]) keys.set(device.deviceId, device.authentication.symmetricKey.primaryKey);
    for (const module of await client.listModules(EDGE)) keys.set(`${EDGE}/${module.moduleId}`, module.authentication.symmetricKey.primaryKey);
    const keyOf = (identity: ClientIdentity): string => keys.get(identity.moduleId === undefined ? identity.deviceId : `${identity.deviceId}/${identity.moduleId}`)!;
    const httpsPort = cloud.running.info.https.port;
    return {
      cloud,
      hostName,
      httpsPort,
      edge,
      filter,
      edgeHub,
      child,
      disabledChild,
      foreignChild,
      loneDevice,
      keyOf,
      fetchScope: () => fetchDeviceScope({ hostName, httpsPort, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: keyOf({ deviceId: EDGE }) }, ca: cloud.ca }),
      close: () => cloud.close(),
    };
  } catch (error) {
    await cloud.close();
    throw error;
  }
}
