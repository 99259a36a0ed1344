// Module identities over REST (docs/FACTS.md §9): PUT /devices/{d}/modules/{m} creates (no
// If-Match) or updates, GET reads one, GET /devices/{d}/modules lists a device's modules, DELETE
// removes one with its twin.
import { CloudError } from '../cloud-error.js';
import type { ModuleIdentity } from '../identities.js';
import { moduleView } from './identity-views.js';
import { ifMatchOf } from './if-match.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';
import { writableAuthentication } from './writable-authentication.js';

export const putModule: RestHandler = async (request, { registry }) => {
  const { deviceId, moduleId } = request.params as { deviceId: string; moduleId: string };
  const body = objectBody(request.body, 'a module');
  for (const key of ['deviceId', 'moduleId'] as const) {
    if (body[key] !== undefined && body[key] !== request.params[key]) throw new CloudError(400, 'ArgumentInvalid', `the body's ${key} (${String(body[key])}) differs from the path's (${request.params[key]})`);
  }
  const input: { deviceId: string; moduleId: string } & Partial<ModuleIdentity> = { deviceId, moduleId };
  if (typeof body.managedBy === 'string') input.managedBy = body.managedBy;
  const authentication = writableAuthentication(body.authentication);
  if (authentication) input.authentication = authentication;
  const ifMatch = ifMatchOf(request);
  const module = ifMatch === undefined ? await registry.createModule(input) : await registry.updateModule(input, ifMatch);
  return { status: 200, body: moduleView(module) };
};

export const getModule: RestHandler = async (request, { registry }) => {
  const { deviceId, moduleId } = request.params as { deviceId: string; moduleId: string };
  if (!registry.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
  const module = registry.getModule(deviceId, moduleId);
  if (!module) throw CloudError.moduleNotFound(deviceId, moduleId);
  return { status: 200, body: moduleView(module) };
};

export const listModules: RestHandler = async (request, { registry }) => {
  const deviceId = request.params.deviceId!;
  if (!registry.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
  return { status: 200, body: registry.listModules(deviceId).map(moduleView) };
};

export const deleteModule: RestHandler = async (request, { registry }) => {
  await registry.deleteModule(request.params.deviceId!, request.params.moduleId!, ifMatchOf(request));
  return { status: 204 };
};
