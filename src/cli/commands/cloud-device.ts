// `edgewise cloud device add|list|show|remove|disable|enable`: device identities of a running
// emulator. `add` prints the connection string the device SDK uses unchanged; a parent must be
// an edge device, and a device has exactly one parent (docs/FACTS.md §9).
import { CloudError } from '../../runtime/cloud/cloud-error.js';
import type { DeviceIdentity } from '../../runtime/cloud/identities.js';
import type { ServiceClient } from '../../runtime/cloud/service-client.js';
import type { CommandResult } from '../command-result.js';
import { asJson, cloudFailure, printed, withService } from './cloud-failure.js';

export interface CloudVerbOptions {
  data?: string;
  json?: boolean;
}

export async function runDeviceAdd(deviceId: string, options: CloudVerbOptions & { edge?: boolean; parent?: string }): Promise<CommandResult> {
  return withService('device add', options.data, async (client) => {
    const parent = options.parent === undefined ? undefined : await parentDevice(client, options.parent);
    if (parent instanceof CloudError) return cloudFailure('device add', parent);
    let device: DeviceIdentity;
    try {
      device = await client.createDevice(deviceId, { edge: options.edge, parent });
    } catch (error) {
      if (error instanceof CloudError && error.errorCode === 'DeviceAlreadyExists' && parent) return secondParent(client, deviceId, parent, error);
      throw error;
    }
    const connectionString = client.connectionString(deviceId, device.authentication.symmetricKey.primaryKey);
    if (options.json) return printed(asJson({ deviceId, edge: device.capabilities.iotEdge, parent: parentIdOf(device) ?? null, connectionString }));
    // A child reaches the hub through its parent's edge hub (issue 11): the same string names that hub as the gateway.
    const hint = parent ? `edgewise cloud device add: to connect through ${parent.deviceId}'s edge hub, append ;GatewayHostName=ADDR:PORT of that hub\n` : '';
    return { ...printed(`${connectionString}\n`), stderr: hint };
  });
}

export async function runDeviceList(options: CloudVerbOptions): Promise<CommandResult> {
  return withService('device list', options.data, async (client) => {
    const devices = await client.listDevices();
    if (options.json) return printed(asJson(devices));
    if (devices.length === 0) return printed('no devices; add one with `edgewise cloud device add ID`\n');
    const rows = devices.map((device) => [device.deviceId, device.capabilities.iotEdge ? 'edge' : 'device', device.status, device.connectionState, parentIdOf(device) ?? '']);
    return printed(table([['DEVICE', 'KIND', 'STATUS', 'CONNECTION', 'PARENT'], ...rows]));
  });
}

export async function runDeviceShow(deviceId: string, options: CloudVerbOptions): Promise<CommandResult> {
  return withService('device show', options.data, async (client) => {
    const device = await client.getDevice(deviceId);
    const modules = await client.listModules(deviceId);
    if (options.json) return printed(asJson({ ...device, modules: modules.map((module) => module.moduleId) }));
    const lines = [
      ['device', device.deviceId],
      ['kind', device.capabilities.iotEdge ? 'IoT Edge device' : 'device'],
      ['status', device.status],
      ['connection', `${device.connectionState} since ${device.connectionStateUpdatedTime}`],
      ['parent', parentIdOf(device) ?? '(none)'],
      ['modules', modules.map((module) => module.moduleId).join(', ') || '(none)'],
      ['connection string', client.connectionString(deviceId, device.authentication.symmetricKey.primaryKey)],
    ];
    return printed(table(lines, ': '));
  });
}

export async function runDeviceRemove(deviceId: string, options: CloudVerbOptions): Promise<CommandResult> {
  return withService('device remove', options.data, async (client) => {
    await client.deleteDevice(deviceId);
    return printed(options.json ? asJson({ deviceId, removed: true }) : `removed device ${deviceId}, its modules and its twins\n`);
  });
}

export async function runDeviceStatus(deviceId: string, status: 'enabled' | 'disabled', options: CloudVerbOptions): Promise<CommandResult> {
  const verb = status === 'enabled' ? 'device enable' : 'device disable';
  return withService(verb, options.data, async (client) => {
    const device = await client.setDeviceStatus(deviceId, status);
    return printed(options.json ? asJson({ deviceId, status: device.status }) : `device ${deviceId} is ${device.status}\n`);
  });
}

/** The parent, once it is known to be an edge device; the refusal otherwise. */
async function parentDevice(client: ServiceClient, parentId: string): Promise<DeviceIdentity | CloudError> {
  let parent: DeviceIdentity;
  try {
    parent = await client.getDevice(parentId);
  } catch (error) {
    if (error instanceof CloudError && error.status === 404) return new CloudError(404, 'DeviceNotFound', `the parent ${parentId} does not exist; add it with \`edgewise cloud device add ${parentId} --edge\``);
    throw error;
  }
  if (!parent.capabilities.iotEdge) return new CloudError(400, 'ArgumentInvalid', `${parentId} cannot be a parent: only IoT Edge devices can (add one with --edge)`);
  return parent;
}

/** `device add X --parent P` when X exists: a second parent is refused, naming the first. */
async function secondParent(client: ServiceClient, deviceId: string, parent: DeviceIdentity, conflict: CloudError): Promise<CommandResult> {
  const existing = await client.getDevice(deviceId);
  const current = parentIdOf(existing);
  if (current === undefined || current === parent.deviceId) return cloudFailure('device add', conflict);
  return cloudFailure('device add', new CloudError(409, 'DeviceAlreadyExists', `device ${deviceId} exists with parent ${current}, and a device has exactly one parent: remove it first to give it parent ${parent.deviceId}`));
}

/** The parent's id from the scope IoT Hub writes: ms-azure-iot-edge://{parentId}-{generationId}. */
export function parentIdOf(device: DeviceIdentity): string | undefined {
  const scope = device.parentScopes?.[0];
  const match = scope === undefined ? null : /^ms-azure-iot-edge:\/\/(.+)-[^-]*$/.exec(scope);
  return match ? match[1] : undefined;
}

function table(rows: readonly string[][], separator = '  '): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column]!))).join(separator).trimEnd()).join('\n') + '\n';
}
