// Issue 14, step 1 (Configure), end to end: child devices are declared by a parent-child
// relationship in the cloud, one parent per child, many children per parent. Through the CLI
// (`edgewise cloud device add CHILD --parent EDGE`, the built bin/edgewise.js) and through the REST
// API as the official service SDK calls it (azure-iothub Registry: PUT /devices/{id} with
// parentScopes), a second parent is refused with a one-line error naming the first, and the
// listing shows each child's parent. The emulator listens on 443 of 127.0.15.1, which the SDK
// needs (it builds its URLs from the host name alone); without 443 the same PUTs are made raw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceIdentity } from '../../../src/runtime/cloud/identities.js';
import { ownerToken, rawRequest } from '../../runtime/cloud/cloud-support.js';
import { removeTempFolders, runCli, runServiceSdk, startOfflineCloud, type OfflineCloud, type ServiceSdkResult } from './offline-support.js';

const CLOUD_ADDRESS = '127.0.15.1';

let cloud: OfflineCloud;

beforeAll(async () => {
  cloud = await startOfflineCloud(CLOUD_ADDRESS);
});

afterAll(async () => {
  await cloud?.close();
  removeTempFolders();
});

const edgewise = (...args: string[]) => runCli(['cloud', ...args, '--data', cloud.folder]);

/** Each device's parent as `device list --json` shows it (parentScopes holds the parent's scope). */
async function parentsListed(): Promise<Record<string, string[]>> {
  const listed = await edgewise('device', 'list', '--json');
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  return Object.fromEntries((JSON.parse(listed.stdout) as DeviceIdentity[]).map((device) => [device.deviceId, device.parentScopes]));
}

/** The rows of `device list` as text: DEVICE KIND STATUS CONNECTION PARENT. */
async function rowsListed(): Promise<Map<string, string[]>> {
  const listed = await edgewise('device', 'list');
  expect(listed).toMatchObject({ code: 0, stderr: '' });
  const rows = listed.stdout.trimEnd().split('\n').map((line) => line.trim().split(/\s+/));
  expect(rows[0]).toEqual(['DEVICE', 'KIND', 'STATUS', 'CONNECTION', 'PARENT']);
  return new Map(rows.slice(1).map((row) => [row[0]!, row]));
}

/** PUT /devices/{id} as Registry.create (no If-Match) or Registry.update (If-Match: *) sends it: azure-iothub when it reaches the emulator, raw otherwise. */
async function registryPut(op: 'create' | 'update', device: Record<string, unknown>): Promise<ServiceSdkResult> {
  if (cloud.serviceSdk) return (await runServiceSdk(cloud, [{ op, device }]))[0]!;
  const response = await rawRequest(cloud, 'PUT', `/devices/${String(device.deviceId)}?api-version=2021-04-12`, { body: device, authorization: ownerToken(cloud), headers: op === 'update' ? { 'if-match': '"*"' } : {} });
  if (response.status === 200) return { ok: response.body };
  const message = (response.body as { Message: string }).Message;
  return { error: { name: 'raw', statusCode: response.status, errorCode: /^ErrorCode:([^;]+);/.exec(message)?.[1] ?? null, message } };
}

let edgeScope: string;
let otherEdgeScope: string;

describe('step 1: declaring child devices in the cloud', () => {
  it('`edgewise cloud device add CHILD --parent EDGE` makes a child of the edge device, and a parent may have many', async () => {
    const edge = await edgewise('device', 'add', 'edge-1', '--edge', '--json');
    expect(edge.code).toBe(0);
    expect(JSON.parse(edge.stdout)).toMatchObject({ deviceId: 'edge-1', edge: true, parent: null });

    const child = await edgewise('device', 'add', 'child-cli', '--parent', 'edge-1');
    expect(child.code).toBe(0);
    expect(child.stdout.trim()).toMatch(/^HostName=[^;]+;DeviceId=child-cli;SharedAccessKey=[A-Za-z0-9+/]+=*$/);
    // It says how a child reaches the cloud: through its parent's edge hub.
    expect(child.stderr).toMatch(/edge-1's edge hub.*GatewayHostName=/);
    const second = await edgewise('device', 'add', 'child-cli-2', '--parent', 'edge-1', '--json');
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ deviceId: 'child-cli-2', edge: false, parent: 'edge-1' });

    edgeScope = (await cloud.client.getDevice('edge-1')).deviceScope!;
    expect(edgeScope).toMatch(/^ms-azure-iot-edge:\/\/edge-1-/);
    const parents = await parentsListed();
    expect(parents).toMatchObject({ 'edge-1': [], 'child-cli': [edgeScope], 'child-cli-2': [edgeScope] });
  });

  it('the REST equivalent, as azure-iothub Registry.create sends it (PUT /devices/{id} with parentScopes), makes a child too', async () => {
    const created = await registryPut('create', { deviceId: 'child-rest', status: 'enabled', parentScopes: [edgeScope] });
    expect(created).toMatchObject({ ok: { deviceId: 'child-rest', parentScopes: [edgeScope], deviceScope: edgeScope, capabilities: { iotEdge: false } } });
    // A leaf may also name its parent in deviceScope, as the Azure CLI does.
    const byScope = await registryPut('create', { deviceId: 'child-rest-2', deviceScope: edgeScope });
    expect(byScope).toMatchObject({ ok: { deviceId: 'child-rest-2', parentScopes: [edgeScope] } });
    if (cloud.serviceSdk) {
      const [listed] = await runServiceSdk(cloud, [{ op: 'list' }]);
      const children = ((listed as { ok: { deviceId: string; parentScopes: string[] }[] }).ok).filter((device) => device.parentScopes.includes(edgeScope)).map((device) => device.deviceId);
      expect(children.sort()).toEqual(['child-cli', 'child-cli-2', 'child-rest', 'child-rest-2']);
    }
  });

  it('`device list` and `device show` name each child\'s parent', async () => {
    const rows = await rowsListed();
    for (const child of ['child-cli', 'child-cli-2', 'child-rest', 'child-rest-2']) expect(rows.get(child)).toEqual([child, 'device', 'enabled', 'Disconnected', 'edge-1']);
    expect(rows.get('edge-1')).toEqual(['edge-1', 'edge', 'enabled', 'Disconnected']);
    const shown = await edgewise('device', 'show', 'child-rest');
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^parent\s*: edge-1$/m);
  });

  it('refuses a second parent with a one-line error naming the first, through the CLI and through REST, and the first parent stays', async () => {
    expect((await edgewise('device', 'add', 'edge-2', '--edge')).code).toBe(0);
    otherEdgeScope = (await cloud.client.getDevice('edge-2')).deviceScope!;

    const cli = await edgewise('device', 'add', 'child-cli', '--parent', 'edge-2');
    expect(cli).toMatchObject({ code: 1, stdout: '' });
    expect(cli.stderr).toMatch(/^edgewise cloud device add: device child-cli exists with parent edge-1, and a device has exactly one parent: remove it first to give it parent edge-2 \(409 DeviceAlreadyExists\)/);
    expect(cli.stderr.trimEnd().split('\n')).toHaveLength(1);

    const moved = await registryPut('update', { deviceId: 'child-rest', status: 'enabled', parentScopes: [otherEdgeScope] });
    expect(moved).toMatchObject({ error: { statusCode: 400, errorCode: 'ArgumentInvalid' } });
    expect((moved as { error: { message: string } }).error.message).toMatch(/child-rest already has the parent edge-1, and a device has exactly one parent/);

    const two = await registryPut('create', { deviceId: 'child-two-parents', parentScopes: [edgeScope, otherEdgeScope] });
    expect(two).toMatchObject({ error: { statusCode: 400, errorCode: 'ArgumentInvalid' } });
    expect((two as { error: { message: string } }).error.message).toMatch(/parentScopes names more than one parent/);

    const parents = await parentsListed();
    expect(parents['child-cli']).toEqual([edgeScope]);
    expect(parents['child-rest']).toEqual([edgeScope]);
    expect(parents['child-two-parents']).toBeUndefined();
    expect((await rowsListed()).get('child-rest')?.[4]).toBe('edge-1');
  });

  it('refuses a parent that is not an IoT Edge device, or does not exist, with a one-line error saying what to do', async () => {
    const leaf = await edgewise('device', 'add', 'grandchild', '--parent', 'child-cli');
    expect(leaf).toMatchObject({ code: 1, stdout: '' });
    expect(leaf.stderr).toMatch(/^edgewise cloud device add: child-cli cannot be a parent: only IoT Edge devices can \(add one with --edge\)/);
    const missing = await edgewise('device', 'add', 'orphan', '--parent', 'edge-9');
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(/^edgewise cloud device add: the parent edge-9 does not exist; add it with `edgewise cloud device add edge-9 --edge`/);
    for (const result of [leaf, missing]) expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
  });
});
