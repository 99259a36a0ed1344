// The device-scope listing read from the real emulator over HTTPS: what is kept, paging, and the
// errors a hub logs when the cloud refuses or cannot be reached.
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceScopeError, fetchDeviceScope } from '../../../../src/runtime/hub/identity/fetch-device-scope.js';
import { hostOnly } from '../../../../src/runtime/hub/identity/host-name.js';
import { scopeIdentitiesOf } from '../../../../src/runtime/hub/identity/scope-listing.js';
import { EDGE, startScopeCloud, type ScopeCloud } from './scope-cloud.js';

let world: ScopeCloud;

beforeAll(async () => {
  world = await startScopeCloud();
});

afterAll(async () => {
  await world?.close();
});

const names = (scope: { deviceId: string; moduleId?: string }[]): string[] => scope.map((identity) => (identity.moduleId === undefined ? identity.deviceId : `${identity.deviceId}/${identity.moduleId}`)).sort();

describe('fetchDeviceScope against the emulator', () => {
  it('keeps the edge device, its modules and its children, with keys, status and generation', async () => {
    const scope = await world.fetchScope();
    expect(names(scope)).toEqual(['child-1', 'child-off', EDGE, `${EDGE}/$edgeAgent`, `${EDGE}/$edgeHub`, `${EDGE}/filter`]);
    const child = scope.find((identity) => identity.deviceId === 'child-1')!;
    expect(child).toEqual({
      deviceId: 'child-1',
      status: 'enabled',
      keys: [world.child.authentication.symmetricKey.primaryKey, world.child.authentication.symmetricKey.secondaryKey],
      generationId: world.child.generationId,
      iotEdge: false,
    });
    expect(scope.find((identity) => identity.deviceId === 'child-off')?.status).toBe('disabled');
    expect(scope.find((identity) => identity.deviceId === EDGE && identity.moduleId === undefined)?.iotEdge).toBe(true);
    const filter = scope.find((identity) => identity.moduleId === 'filter')!;
    expect(filter.keys[0]).toBe(world.filter.authentication.symmetricKey.primaryKey);
    expect(filter.status).toBe('enabled');
    expect(filter.generationId).toBe(world.filter.generationId);
  });

  it('reads every page when the cloud pages the listing', async () => {
    const paged = await fetchDeviceScope({ hostName: world.hostName, httpsPort: world.httpsPort, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: world.keyOf({ deviceId: EDGE }) }, ca: world.cloud.ca, pageSize: 1 });
    expect(names(paged)).toEqual(names(await world.fetchScope()));
  });

  it('signs as the $edgeHub module too', async () => {
    const identity = { deviceId: EDGE, moduleId: '$edgeHub' };
    const scope = await fetchDeviceScope({ hostName: world.hostName, httpsPort: world.httpsPort, edgeDeviceId: EDGE, signWith: { identity, key: world.keyOf(identity) }, ca: world.cloud.ca });
    expect(scope).toHaveLength(6);
  });

  it('fails with the status and the cloud\'s message when the key is wrong', async () => {
    const wrongKey = Buffer.alloc(32, 7).toString('base64');
    const error = await fetchDeviceScope({ hostName: world.hostName, httpsPort: world.httpsPort, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: wrongKey }, ca: world.cloud.ca }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceScopeError);
    expect((error as DeviceScopeError).status).toBe(401);
    expect((error as Error).message).toMatch(/HTTP 401 \(.*not signed with a key/);
  });

  it('fails when the cloud\'s certificate is not trusted', async () => {
    const error = await fetchDeviceScope({ hostName: world.hostName, httpsPort: world.httpsPort, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: world.keyOf({ deviceId: EDGE }) } }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceScopeError);
    expect((error as Error).message).toMatch(/^the cloud's TLS certificate at 127\.0\.0\.1:\d+ is not trusted \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); give the CA that signed it/);
  });

  it('fails with a clear line when nothing listens', async () => {
    const port = await freePort();
    const error = await fetchDeviceScope({ hostName: '127.0.0.1', httpsPort: port, edgeDeviceId: EDGE, signWith: { identity: { deviceId: EDGE }, key: world.keyOf({ deviceId: EDGE }) }, ca: world.cloud.ca }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DeviceScopeError);
    expect((error as Error).message).toBe(`cannot reach the cloud at 127.0.0.1:${port} for the device-scope listing (ECONNREFUSED)`);
  });
});

describe('scopeIdentitiesOf', () => {
  const edge = { deviceId: EDGE, generationId: 'g0', status: 'enabled', deviceScope: 'ms-azure-iot-edge://edge-1-g0', parentScopes: [], capabilities: { iotEdge: true }, authentication: { type: 'sas', symmetricKey: { primaryKey: 'cA==', secondaryKey: '' } } };
  const device = (deviceId: string, parentScopes: string[], authentication: unknown = { type: 'sas', symmetricKey: { primaryKey: 'aw==', secondaryKey: 'bA==' } }) => ({ deviceId, generationId: `g-${deviceId}`, status: 'enabled', parentScopes, capabilities: { iotEdge: false }, authentication });

  it('drops a child of another parent and modules of other devices even when the cloud lists them', () => {
    const scope = scopeIdentitiesOf(
      [
        { devices: [edge, device('mine', ['ms-azure-iot-edge://edge-1-g0'])], modules: [{ deviceId: EDGE, moduleId: 'm', generationId: 'gm', authentication: { type: 'sas', symmetricKey: { primaryKey: 'bQ==', secondaryKey: '' } } }], continuationLink: '1' },
        { devices: [device('theirs', ['ms-azure-iot-edge://edge-2-g9']), device('orphan', [])], modules: [{ deviceId: 'mine', moduleId: 'x', generationId: 'gx', authentication: { type: 'sas', symmetricKey: { primaryKey: 'eA==', secondaryKey: '' } } }] },
      ],
      EDGE,
    );
    expect(names(scope)).toEqual([EDGE, `${EDGE}/m`, 'mine']);
    expect(scope.find((identity) => identity.deviceId === EDGE && !identity.moduleId)?.keys).toEqual(['cA==']);
  });

  it('keeps no child when the edge device itself is missing from the listing, and no keys for certificate identities', () => {
    expect(names(scopeIdentitiesOf([{ devices: [device('mine', ['ms-azure-iot-edge://edge-1-g0'])], modules: [] }], EDGE))).toEqual([]);
    const scope = scopeIdentitiesOf([{ devices: [edge, device('x509', ['ms-azure-iot-edge://edge-1-g0'], { type: 'selfSigned', symmetricKey: { primaryKey: null, secondaryKey: null } })], modules: [] }], EDGE);
    expect(scope.find((identity) => identity.deviceId === 'x509')?.keys).toEqual([]);
  });

  it('skips malformed entries', () => {
    expect(names(scopeIdentitiesOf([{ devices: [edge, null, 7, { deviceId: 3 }], modules: [{ deviceId: EDGE, moduleId: '' }] }], EDGE))).toEqual([EDGE]);
  });
});

describe('hostOnly', () => {
  it('drops the MQTT port a HostName may carry, and keeps IPv6 addresses whole', () => {
    expect(hostOnly('hub.azure-devices.net')).toBe('hub.azure-devices.net');
    expect(hostOnly('127.0.0.1:8883')).toBe('127.0.0.1');
    expect(hostOnly('[::1]:8883')).toBe('::1');
    expect(hostOnly('::1')).toBe('::1');
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
