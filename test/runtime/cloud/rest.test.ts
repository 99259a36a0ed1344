// The service REST API of `edgewise cloud`, called over real HTTPS with raw requests: IoT Hub's
// paths, JSON shapes, status codes and error bodies (docs/FACTS.md §9), SAS authorization for
// the owner policy and for an edge device's own scope, and the emulator's telemetry extra.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client, ModuleClient } from 'azure-iot-device';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { signSasToken } from '../../../src/runtime/iothub/sas.js';
import { ownerToken, rawRequest, startTestCloud, type TestCloud } from './cloud-support.js';
import { nowSeconds, openDevice, openModule } from './sdk-clients.js';

const KEY = Buffer.alloc(32, 7).toString('base64');
const SAS_KEYS = { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } };

let cloud: TestCloud;
let owner: string;
const devices: Client[] = [];
const modules: ModuleClient[] = [];

const call = (method: string, path: string, body?: unknown, headers?: Record<string, string>) => rawRequest(cloud, method, path, { body, authorization: owner, headers });
const mqttHost = (): string => `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`;

beforeAll(async () => {
  cloud = await startTestCloud();
  owner = ownerToken(cloud);
});

afterAll(async () => {
  await Promise.all([...devices, ...modules].map((client) => client.close()));
  await cloud.close();
});

async function addDevice(deviceId: string, extra: Record<string, unknown> = {}): Promise<Record<string, any>> {
  const response = await call('PUT', `/devices/${encodeURIComponent(deviceId)}?api-version=2021-04-12`, { deviceId, authentication: SAS_KEYS, ...extra });
  expect(response.status).toBe(200);
  return response.body as Record<string, any>;
}

function expectClassicError(response: { status: number; headers: Record<string, unknown>; body: unknown }, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['iothub-errorcode']).toBe(code);
  expect(response.headers['content-type']).toContain('application/json');
  const body = response.body as { Message: string; ExceptionMessage: string };
  expect(body.Message.startsWith(`ErrorCode:${code};`)).toBe(true);
  expect(body.ExceptionMessage).toMatch(/^Tracking ID:[0-9a-f]{32}-G:0-TimeStamp:\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d$/);
}

describe('device identities', () => {
  it('creates a device with generated keys, answers it as JSON and lists it, whatever the api-version', async () => {
    const created = await call('PUT', '/devices/sensor-1?api-version=2017-11-08-preview', { deviceId: 'sensor-1', authentication: SAS_KEYS });
    expect(created.status).toBe(200);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    const device = created.body as Record<string, any>;
    expect(device).toMatchObject({ deviceId: 'sensor-1', status: 'enabled', capabilities: { iotEdge: false }, authentication: { type: 'sas' } });
    expect(Buffer.from(device.authentication.symmetricKey.primaryKey, 'base64')).toHaveLength(32);
    expect((await call('GET', '/devices/sensor-1')).body).toMatchObject({ deviceId: 'sensor-1', etag: device.etag });
    const list = await call('GET', '/devices?api-version=2020-09-30');
    expect((list.body as { deviceId: string }[]).map((entry) => entry.deviceId)).toContain('sensor-1');
  });

  it('refuses to create a device twice with 409 DeviceAlreadyExists in IoT Hub error form', async () => {
    await addDevice('twice');
    expectClassicError(await call('PUT', '/devices/twice', { deviceId: 'twice' }), 409, 'DeviceAlreadyExists');
  });

  it('updates under If-Match: a stale etag gets 412, "*" (quoted, as the SDK sends it) forces', async () => {
    const device = await addDevice('updatable');
    expectClassicError(await call('PUT', '/devices/updatable', { ...device, status: 'disabled' }, { 'if-match': '"stale"' }), 412, 'PreconditionFailed');
    const forced = await call('PUT', '/devices/updatable', { ...device, status: 'disabled' }, { 'if-match': '"*"' });
    expect(forced.status).toBe(200);
    expect(forced.body).toMatchObject({ deviceId: 'updatable', status: 'disabled' });
    const current = await call('PUT', '/devices/updatable', { deviceId: 'updatable', status: 'enabled' }, { 'if-match': `"${(forced.body as { etag: string }).etag}"` });
    expect(current.body).toMatchObject({ status: 'enabled' });
  });

  it('answers 404 DeviceNotFound for an unknown device, and deletes with 204', async () => {
    expectClassicError(await call('GET', '/devices/nobody'), 404, 'DeviceNotFound');
    await addDevice('short-lived');
    const deleted = await call('DELETE', '/devices/short-lived', undefined, { 'if-match': '"*"' });
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe('');
    expectClassicError(await call('GET', '/devices/short-lived'), 404, 'DeviceNotFound');
  });

  it('refuses an authentication type other than SAS, and a body naming another device', async () => {
    expectClassicError(await call('PUT', '/devices/x509', { deviceId: 'x509', authentication: { type: 'selfSigned' } }), 400, 'ArgumentInvalid');
    expectClassicError(await call('PUT', '/devices/left', { deviceId: 'right' }), 400, 'ArgumentInvalid');
    expectClassicError(await rawRequest(cloud, 'PUT', '/devices/broken', { authorization: owner, headers: { 'content-type': 'application/json' }, body: undefined }), 400, 'ArgumentInvalid');
  });
});

describe('module identities', () => {
  it('creates, lists, reads and deletes modules; an edge device starts with $edgeAgent and $edgeHub', async () => {
    await addDevice('edge-modules', { capabilities: { iotEdge: true } });
    const created = await call('PUT', '/devices/edge-modules/modules/filter', { deviceId: 'edge-modules', moduleId: 'filter', authentication: SAS_KEYS });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ deviceId: 'edge-modules', moduleId: 'filter', authentication: { type: 'sas' } });
    expectClassicError(await call('PUT', '/devices/edge-modules/modules/filter', { moduleId: 'filter' }), 409, 'ModuleAlreadyExistsOnDevice');
    const list = (await call('GET', '/devices/edge-modules/modules')).body as { moduleId: string }[];
    expect(list.map((module) => module.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub', 'filter']);
    expect((await call('GET', '/devices/edge-modules/modules/%24edgeHub')).body).toMatchObject({ moduleId: '$edgeHub' });
    expect((await call('DELETE', '/devices/edge-modules/modules/filter', undefined, { 'if-match': '"*"' })).status).toBe(204);
    expectClassicError(await call('GET', '/devices/edge-modules/modules/filter'), 404, 'ModuleNotFound');
  });
});

describe('authorization', () => {
  beforeAll(async () => {
    await addDevice('signer', { authentication: { type: 'sas', symmetricKey: { primaryKey: KEY, secondaryKey: KEY } } });
    await addDevice('other');
  });

  it('refuses a missing, wrongly signed, expired or unknown-policy token with 401', async () => {
    expectClassicError(await rawRequest(cloud, 'GET', '/devices'), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/devices', { authorization: ownerToken(cloud, nowSeconds() + 60, KEY) }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/devices', { authorization: ownerToken(cloud, nowSeconds() - 60) }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/devices', { authorization: ownerToken(cloud, nowSeconds() + 60, undefined, 'registryRead') }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/devices', { authorization: 'Bearer abc' }), 401, 'IotHubUnauthorizedAccess');
  });

  it("lets a device's own token reach its own identity and modules only", async () => {
    const token = signSasToken(`${mqttHost()}/devices/signer`, KEY, nowSeconds() + 600);
    expect((await rawRequest(cloud, 'GET', '/devices/signer/modules', { authorization: token })).status).toBe(200);
    expect((await rawRequest(cloud, 'GET', '/devices/signer', { authorization: token })).status).toBe(200);
    expectClassicError(await rawRequest(cloud, 'GET', '/devices/other/modules', { authorization: token }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/devices', { authorization: token }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await rawRequest(cloud, 'GET', '/twins/signer', { authorization: token }), 401, 'IotHubUnauthorizedAccess');
    const forOther = signSasToken(`${mqttHost()}/devices/other`, KEY, nowSeconds() + 600);
    expectClassicError(await rawRequest(cloud, 'GET', '/devices/other', { authorization: forOther }), 401, 'IotHubUnauthorizedAccess');
  });

  it('answers 404 for an unknown path and 405 for a known path with another method', async () => {
    expect((await call('GET', '/jobs/v2')).status).toBe(404);
    expect((await call('POST', '/devices/signer')).status).toBe(405);
  });

  it('never reads an empty id as a shorter path: /devices//modules is not /devices/modules', async () => {
    await addDevice('modules');
    expect((await call('GET', '/devices//modules')).status).toBe(404);
    expect((await call('DELETE', '/devices//modules')).status).toBe(404);
    expect((await call('GET', '/devices/modules')).status).toBe(200);
    expect((await call('GET', '/devices/modules/')).status).toBe(200);
  });
});

describe('twins', () => {
  beforeAll(async () => {
    await addDevice('twin-device');
    await addDevice('twin-edge', { capabilities: { iotEdge: true } });
  });

  it('reads a twin with its versions and etag, and merges desired properties and tags under If-Match', async () => {
    const before = (await call('GET', '/twins/twin-device')).body as Record<string, any>;
    expect(before).toMatchObject({ deviceId: 'twin-device', status: 'enabled', connectionState: 'Disconnected', authenticationType: 'sas' });
    expect(typeof before.etag).toBe('string');
    expect(before.properties.desired.$version).toBeGreaterThanOrEqual(1);
    const patched = await call('PATCH', '/twins/twin-device', { tags: { site: 'north' }, properties: { desired: { interval: 5, nested: { a: 1, b: 2 } } } }, { 'if-match': `"${before.etag}"` });
    expect(patched.status).toBe(200);
    const twin = patched.body as Record<string, any>;
    expect(twin.tags).toEqual({ site: 'north' });
    expect(twin.properties.desired).toMatchObject({ interval: 5, nested: { a: 1, b: 2 } });
    expect(twin.properties.desired.$version).toBeGreaterThan(before.properties.desired.$version);
    expect(twin.version).toBeGreaterThan(before.version);
    expect(twin.etag).not.toBe(before.etag);
    const nulled = (await call('PATCH', '/twins/twin-device', { properties: { desired: { nested: { a: null } } } }, { 'if-match': '"*"' })).body as Record<string, any>;
    expect(nulled.properties.desired.nested).toEqual({ b: 2 });
    expectClassicError(await call('PATCH', '/twins/twin-device', { properties: { desired: { x: 1 } } }, { 'if-match': `"${before.etag}"` }), 412, 'PreconditionFailed');
  });

  it('writes tags and desired properties of one PATCH together: tags over their 8 KB limit leave desired unchanged', async () => {
    const tooManyTags = { a: 'x'.repeat(4000), b: 'x'.repeat(4000), c: 'x'.repeat(1000) };
    const refused = await call('PATCH', '/twins/twin-device', { tags: tooManyTags, properties: { desired: { refusedTogether: true } } }, { 'if-match': '"*"' });
    expect(refused.status).toBe(400);
    const after = (await call('GET', '/twins/twin-device')).body as Record<string, any>;
    expect(after.properties.desired.refusedTogether).toBeUndefined();
  });

  it('refuses to PATCH the $edgeAgent and $edgeHub twins (401, as IoT Hub) and reported properties (400)', async () => {
    for (const module of ['%24edgeAgent', '%24edgeHub']) {
      const refused = await call('PATCH', `/twins/twin-edge/modules/${module}`, { properties: { desired: { schemaVersion: '1.1' } } }, { 'if-match': '"*"' });
      expectClassicError(refused, 401, 'SystemModuleModifyUnauthorizedAccess');
      expect((refused.body as { Message: string }).Message).toContain('Unauthorized to modify reserved module.');
    }
    expect((await call('GET', '/twins/twin-edge/modules/%24edgeAgent')).body).toMatchObject({ deviceId: 'twin-edge', moduleId: '$edgeAgent' });
    expectClassicError(await call('PATCH', '/twins/twin-device', { properties: { reported: { x: 1 } } }, { 'if-match': '"*"' }), 400, 'ArgumentInvalid');
    expectClassicError(await call('GET', '/twins/nobody'), 404, 'DeviceNotFound');
  });
});

describe('direct methods', () => {
  let deviceKey: string;

  beforeAll(async () => {
    deviceKey = (await addDevice('method-device')).authentication.symmetricKey.primaryKey;
    await addDevice('offline-device');
  });

  it('answers 404 DeviceNotOnline in the JSON-in-Message form when the target is not connected', async () => {
    const response = await call('POST', '/twins/offline-device/methods', { methodName: 'reboot', payload: null, responseTimeoutInSeconds: 30, connectTimeoutInSeconds: 0 });
    expect(response.status).toBe(404);
    expect(response.headers['iothub-errorcode']).toBe('DeviceNotOnline');
    const inner = JSON.parse((response.body as { Message: string }).Message);
    expect(inner).toMatchObject({ errorCode: 404103, message: 'Timed out waiting for device to connect.', info: { timeout: '00:00:00' } });
    expectClassicError(await call('POST', '/twins/nobody/methods', { methodName: 'reboot' }), 404, 'DeviceNotFound');
    expectClassicError(await call('POST', '/twins/offline-device/methods', { methodName: 'reboot', responseTimeoutInSeconds: 2 }), 400, 'ArgumentInvalid');
    expectClassicError(await call('POST', '/twins/offline-device/methods', { payload: 1 }), 400, 'ArgumentInvalid');
  });

  it("relays a call to a connected device and answers its status and payload; 504 GatewayTimeout when it does not answer", async () => {
    const device = await openDevice(cloud, deviceConnectionString(mqttHost(), 'method-device', deviceKey));
    devices.push(device);
    device.onDeviceMethod('echo', (request, response) => void response.send(201, { echoed: request.payload }));
    device.onDeviceMethod('silent', () => undefined);
    // connectTimeoutInSeconds lets the call wait for the SDK's subscription, which follows open() asynchronously.
    const answered = await call('POST', '/twins/method-device/methods', { methodName: 'echo', payload: { n: 1 }, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10 });
    expect(answered.status).toBe(200);
    expect(answered.body).toEqual({ status: 201, payload: { echoed: { n: 1 } } });
    const timedOut = await call('POST', '/twins/method-device/methods', { methodName: 'silent', payload: null, responseTimeoutInSeconds: 5, connectTimeoutInSeconds: 0 });
    expect(timedOut.status).toBe(504);
    expect(timedOut.headers['iothub-errorcode']).toBe('GatewayTimeout');
    expect(JSON.parse((timedOut.body as { Message: string }).Message)).toMatchObject({ errorCode: 504101, message: 'Timed out waiting for the response from device.' });
  });
});

describe('direct methods to a module', () => {
  it('relays a call on /twins/{d}/modules/{m}/methods to the module', async () => {
    await addDevice('method-edge', { capabilities: { iotEdge: true } });
    const module = (await call('PUT', '/devices/method-edge/modules/probe', { moduleId: 'probe', authentication: SAS_KEYS })).body as Record<string, any>;
    const client = await openModule(cloud, deviceConnectionString(mqttHost(), 'method-edge', module.authentication.symmetricKey.primaryKey, 'probe'));
    modules.push(client);
    client.onMethod('ping', (_request, response) => void response?.send(200, 'pong'));
    const answered = await call('POST', '/twins/method-edge/modules/probe/methods', { methodName: 'ping', payload: null, responseTimeoutInSeconds: 10, connectTimeoutInSeconds: 10 });
    expect(answered.body).toEqual({ status: 200, payload: 'pong' });
    expectClassicError(await call('POST', '/twins/method-edge/modules/nobody/methods', { methodName: 'ping' }), 404, 'ModuleNotFound');
  });
});

describe('applyConfigurationContent', () => {
  const agent = { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: { filter: { type: 'docker' } } };
  const hub = { schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } };

  beforeAll(async () => {
    await addDevice('deploy-edge', { capabilities: { iotEdge: true } });
    await addDevice('deploy-leaf');
  });

  const desiredOf = async (module: string): Promise<Record<string, unknown>> => {
    const twin = (await call('GET', `/twins/deploy-edge/modules/${encodeURIComponent(module)}`)).body as { properties: { desired: Record<string, unknown> } };
    const { $version: _version, $metadata: _metadata, ...desired } = twin.properties.desired;
    return desired;
  };

  it('sets the $edgeAgent, $edgeHub and module twins, creating missing module identities; 204', async () => {
    const content = { modulesContent: { $edgeAgent: { 'properties.desired': agent }, $edgeHub: { 'properties.desired': hub }, filter: { 'properties.desired': { threshold: 30 } } } };
    const response = await call('POST', '/devices/deploy-edge/applyConfigurationContent?api-version=2021-04-12', content);
    expect(response.status).toBe(204);
    expect(await desiredOf('$edgeAgent')).toEqual(agent);
    expect(await desiredOf('$edgeHub')).toEqual(hub);
    expect(await desiredOf('filter')).toEqual({ threshold: 30 });
    expect((await call('GET', '/devices/deploy-edge/modules/filter')).body).toMatchObject({ moduleId: 'filter', managedBy: 'IotEdge' });
  });

  it('replaces desired properties wholesale and keeps identities a later deployment leaves out', async () => {
    const next = { ...agent, modules: {} };
    const response = await call('POST', '/devices/deploy-edge/applyConfigurationContent', { modulesContent: { $edgeAgent: { 'properties.desired': next }, $edgeHub: { 'properties.desired': hub } } });
    expect(response.status).toBe(204);
    expect(await desiredOf('$edgeAgent')).toEqual(next);
    expect((await call('GET', '/devices/deploy-edge/modules/filter')).status).toBe(200);
  });

  it('refuses deviceContent, a device that is not an edge device, and malformed content, changing nothing', async () => {
    const before = await desiredOf('$edgeAgent');
    const modulesContent = { $edgeAgent: { 'properties.desired': { schemaVersion: '1.0' } }, $edgeHub: { 'properties.desired': hub } };
    expectClassicError(await call('POST', '/devices/deploy-edge/applyConfigurationContent', { deviceContent: { 'properties.desired.x': 1 } }), 400, 'InvalidConfigurationContent');
    expectClassicError(await call('POST', '/devices/deploy-leaf/applyConfigurationContent', { modulesContent }), 400, 'InvalidConfigurationContent');
    expectClassicError(await call('POST', '/devices/nobody/applyConfigurationContent', { modulesContent }), 404, 'DeviceNotFound');
    expectClassicError(await call('POST', '/devices/deploy-edge/applyConfigurationContent', { modulesContent: { ...modulesContent, broken: { desired: {} } } }), 400, 'InvalidConfigurationContent');
    expect(await desiredOf('$edgeAgent')).toEqual(before);
  });
});

describe('the device-scope listing an edge hub uses', () => {
  let edgeHubKey: string;
  let scope: string;

  beforeAll(async () => {
    scope = (await addDevice('scope-edge', { capabilities: { iotEdge: true } })).deviceScope;
    await addDevice('scope-leaf', { deviceScope: scope });
    await addDevice('scope-child-edge', { capabilities: { iotEdge: true }, parentScopes: [scope] });
    await addDevice('scope-stranger', { capabilities: { iotEdge: true } });
    // As the identity service does: give $edgeHub keys with a forced PUT.
    const keyed = await call('PUT', '/devices/scope-edge/modules/%24edgeHub', { moduleId: '$edgeHub', deviceId: 'scope-edge', authentication: { type: 'sas', symmetricKey: { primaryKey: KEY, secondaryKey: KEY } } }, { 'if-match': '*' });
    expect(keyed.status).toBe(200);
    edgeHubKey = KEY;
  });

  const listing = (authorization: string, body: unknown, device = 'scope-edge') =>
    rawRequest(cloud, 'POST', `/devices/${device}/modules/$edgeHub/devicesAndModulesInTargetDeviceScope?api-version=2020-06-30-preview`, { authorization, body });

  /** As the edge hub signs: ids encoded before the audience is encoded again (docs/FACTS.md §9). */
  const edgeHubToken = (device = 'scope-edge'): string => signSasToken(`${mqttHost()}/devices/${encodeURIComponent(device)}/modules/${encodeURIComponent(encodeURIComponent('$edgeHub'))}`, edgeHubKey, nowSeconds() + 3600);

  it("answers the edge device, its direct children and its modules to its $edgeHub module's token", async () => {
    const response = await listing(edgeHubToken(), { pageSize: 10, authChain: 'scope-edge' });
    expect(response.status).toBe(200);
    const result = response.body as { devices: Record<string, any>[]; modules: Record<string, any>[]; continuationLink: string | null };
    expect(result.devices.map((device) => device.deviceId).sort()).toEqual(['scope-child-edge', 'scope-edge', 'scope-leaf']);
    expect(result.modules.map((module) => module.moduleId).sort()).toEqual(['$edgeAgent', '$edgeHub']);
    expect(result.continuationLink).toBeNull();
    for (const device of result.devices) expect(device).toMatchObject({ capabilities: expect.any(Object), authentication: { type: 'sas' } });
    expect(result.devices.find((device) => device.deviceId === 'scope-leaf')!.parentScopes).toEqual([scope]);
  });

  it('pages with continuationLink, and walks a child edge device through the auth chain', async () => {
    const seen: string[] = [];
    let link: string | null = null;
    do {
      const page = (await listing(edgeHubToken(), { pageSize: 2, authChain: 'scope-edge', ...(link && { continuationLink: link }) })).body as { devices: { deviceId: string }[]; modules: { moduleId: string }[]; continuationLink: string | null };
      expect(page.devices.length + page.modules.length).toBeLessThanOrEqual(2);
      seen.push(...page.devices.map((device) => device.deviceId), ...page.modules.map((module) => module.moduleId));
      link = page.continuationLink;
    } while (link);
    expect(seen.sort()).toEqual(['$edgeAgent', '$edgeHub', 'scope-child-edge', 'scope-edge', 'scope-leaf']);
    const child = (await listing(edgeHubToken(), { pageSize: 10, authChain: 'scope-child-edge;scope-edge' })).body as { devices: { deviceId: string }[] };
    expect(child.devices.map((device) => device.deviceId)).toContain('scope-child-edge');
  });

  it('refuses another device, a chain through a device that is not a child, and a token from outside the scope', async () => {
    expectClassicError(await listing(edgeHubToken(), { authChain: 'scope-stranger;scope-edge' }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await listing(edgeHubToken(), { authChain: 'scope-edge;scope-stranger' }), 401, 'IotHubUnauthorizedAccess');
    expectClassicError(await listing(edgeHubToken(), { authChain: 'scope-stranger' }, 'scope-stranger'), 401, 'IotHubUnauthorizedAccess');
    expect((await listing(owner, { authChain: 'scope-edge' })).status).toBe(200);
  });
});

describe('the telemetry log extra', () => {
  it('lists messages from a sequence number and holds a read open until the next one arrives', async () => {
    const key = (await addDevice('talker')).authentication.symmetricKey.primaryKey;
    const device = await openDevice(cloud, deviceConnectionString(mqttHost(), 'talker', key));
    devices.push(device);
    const { Message } = await import('azure-iot-device');
    const first = new Message('{"n":1}');
    first.properties.add('kind', 'first');
    await device.sendEvent(first);
    const all = (await call('GET', '/edgewise/messages?from=1')).body as { sequenceNumber: number; deviceId: string; body: string; properties: Record<string, string> }[];
    const mine = all.filter((message) => message.deviceId === 'talker');
    expect(mine).toHaveLength(1);
    expect(mine[0]).toMatchObject({ body: '{"n":1}', moduleId: null, properties: { kind: 'first' } });
    const next = mine[0]!.sequenceNumber + 1;
    const waiting = call('GET', `/edgewise/messages?from=${next}&wait=20`);
    await device.sendEvent(new Message(Buffer.from([0xff, 0x00, 0xfe])));
    const arrived = (await waiting).body as { sequenceNumber: number; body: string; bodyEncoding?: string }[];
    expect(arrived).toHaveLength(1);
    expect(arrived[0]).toMatchObject({ sequenceNumber: next, body: Buffer.from([0xff, 0x00, 0xfe]).toString('base64'), bodyEncoding: 'base64' });
    expectClassicError(await call('GET', '/edgewise/messages?from=x'), 400, 'ArgumentInvalid');
  });
});
