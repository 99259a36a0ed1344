// POST /devices/{id}/applyConfigurationContent (docs/FACTS.md §9): applies a deployment's
// modulesContent to an edge device's twins; 204 No Content on success.
import { applyConfigurationContent } from '../apply-configuration.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';

export const applyConfiguration: RestHandler = async (request, { registry, twins }) => {
  await applyConfigurationContent({ registry, twins }, request.params.deviceId!, objectBody(request.body, 'a configuration content'));
  return { status: 204 };
};
