// Twins over REST (docs/FACTS.md §9): GET /twins/{d}[/modules/{m}] reads a twin, PATCH merges
// tags and desired properties (nulls delete) under If-Match and answers the whole updated twin.
// The $edgeAgent and $edgeHub twins are written only by applyConfigurationContent: a PATCH of
// them is refused with 401, as IoT Hub does.
import { CloudError } from '../cloud-error.js';
import { ifMatchOf } from './if-match.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';
import { existingTwin, twinView } from './twin-view.js';

const SYSTEM_MODULES = new Set(['$edgeAgent', '$edgeHub']);

export const getTwin: RestHandler = async (request, { registry, twins }) => {
  const twin = existingTwin(registry, twins, request.params.deviceId!, request.params.moduleId);
  return { status: 200, body: twinView(registry, twin), headers: { etag: `"${twin.etag}"` } };
};

export const patchTwin: RestHandler = async (request, { registry, twins }) => {
  const { deviceId, moduleId } = request.params as { deviceId: string; moduleId?: string };
  if (moduleId !== undefined && SYSTEM_MODULES.has(moduleId)) {
    throw new CloudError(401, 'SystemModuleModifyUnauthorizedAccess', 'Unauthorized to modify reserved module. Apply a deployment (applyConfigurationContent) instead.');
  }
  const patch = twinPatch(objectBody(request.body, 'a twin patch'));
  const ifMatch = ifMatchOf(request);
  let twin = existingTwin(registry, twins, deviceId, moduleId);
  // Tags and desired properties in one write under one If-Match: a refused part changes nothing.
  if (patch.desired || patch.tags) {
    twin = await twins.patchTwin(deviceId, moduleId, { ...(patch.tags && { tags: patch.tags }), ...(patch.desired && { properties: { desired: patch.desired } }) }, ifMatch);
  } else if (ifMatch !== undefined && ifMatch !== '*' && ifMatch !== twin.etag) {
    throw new CloudError(412, 'PreconditionFailed', `the twin's etag is not ${ifMatch}: it changed since it was read`);
  }
  return { status: 200, body: twinView(registry, twin), headers: { etag: `"${twin.etag}"` } };
};

function twinPatch(body: Record<string, unknown>): { desired?: Record<string, unknown>; tags?: Record<string, unknown> } {
  const patch: { desired?: Record<string, unknown>; tags?: Record<string, unknown> } = {};
  if (body.tags !== undefined && body.tags !== null) patch.tags = objectMember(body.tags, 'tags');
  const properties = body.properties === undefined || body.properties === null ? {} : objectMember(body.properties, 'properties');
  if (properties.reported !== undefined) throw new CloudError(400, 'ArgumentInvalid', 'reported properties are written by the device, not through the service API');
  if (properties.desired !== undefined && properties.desired !== null) patch.desired = objectMember(properties.desired, 'properties.desired');
  return patch;
}

function objectMember(value: unknown, name: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CloudError(400, 'ArgumentInvalid', `${name} must be a JSON object`);
  return value as Record<string, unknown>;
}
