// Device identities over REST (docs/FACTS.md §9): PUT /devices/{id} creates (no If-Match) or
// updates (If-Match), GET reads one, GET /devices lists them, DELETE removes one with its
// modules and twins. Only the fields a service may write are taken from a PUT body.
import { CloudError } from '../cloud-error.js';
import type { DeviceIdentity } from '../identities.js';
import { deviceView } from './identity-views.js';
import { ifMatchOf } from './if-match.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';
import { writableAuthentication } from './writable-authentication.js';

export const putDevice: RestHandler = async (request, { registry }) => {
  const deviceId = request.params.deviceId!;
  const input = { deviceId, ...writableDeviceFields(objectBody(request.body, 'a device'), deviceId) };
  const ifMatch = ifMatchOf(request);
  const device = ifMatch === undefined ? await registry.createDevice(input) : await registry.updateDevice(input, ifMatch);
  return { status: 200, body: deviceView(device) };
};

export const getDevice: RestHandler = async (request, { registry }) => {
  const device = registry.getDevice(request.params.deviceId!);
  if (!device) throw CloudError.deviceNotFound(request.params.deviceId!);
  return { status: 200, body: deviceView(device) };
};

export const listDevices: RestHandler = async (_request, { registry }) => ({ status: 200, body: registry.listDevices().map(deviceView) });

export const deleteDevice: RestHandler = async (request, { registry }) => {
  await registry.deleteDevice(request.params.deviceId!, ifMatchOf(request));
  return { status: 204 };
};

function writableDeviceFields(body: Record<string, unknown>, deviceId: string): Partial<DeviceIdentity> {
  if (body.deviceId !== undefined && body.deviceId !== deviceId) throw new CloudError(400, 'ArgumentInvalid', `the body's deviceId (${String(body.deviceId)}) differs from the path's (${deviceId})`);
  const fields: Partial<DeviceIdentity> = {};
  if (body.status !== undefined) {
    if (body.status !== 'enabled' && body.status !== 'disabled') throw new CloudError(400, 'ArgumentInvalid', 'status must be "enabled" or "disabled"');
    fields.status = body.status;
  }
  if (typeof body.statusReason === 'string') fields.statusReason = body.statusReason;
  const authentication = writableAuthentication(body.authentication);
  if (authentication) fields.authentication = authentication;
  if (body.capabilities !== undefined && body.capabilities !== null) {
    const iotEdge = (body.capabilities as { iotEdge?: unknown }).iotEdge;
    if (iotEdge !== undefined && typeof iotEdge !== 'boolean') throw new CloudError(400, 'ArgumentInvalid', 'capabilities.iotEdge must be true or false');
    fields.capabilities = { iotEdge: iotEdge === true };
  }
  // An empty deviceScope clears a leaf device's parent, as the Azure CLI does it (docs/FACTS.md §9).
  if (typeof body.deviceScope === 'string') fields.deviceScope = body.deviceScope;
  if (body.parentScopes !== undefined && body.parentScopes !== null) {
    if (!Array.isArray(body.parentScopes) || !body.parentScopes.every((scope) => typeof scope === 'string')) throw new CloudError(400, 'ArgumentInvalid', 'parentScopes must be an array of scope strings');
    fields.parentScopes = body.parentScopes as string[];
  }
  return fields;
}
