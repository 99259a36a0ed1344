// The listing an edge hub refreshes its identity cache from (docs/FACTS.md §9):
// POST /devices/{edge}/modules/$edgeHub/devicesAndModulesInTargetDeviceScope with
// {pageSize, continuationLink?, authChain}. The auth chain names the target edge device first and
// the calling edge device last, each a child of the next; the answer holds the target itself, its
// direct children and its modules, as {devices, modules, continuationLink} in pages.
import { CloudError } from '../cloud-error.js';
import type { DeviceIdentity, IdentityRegistry } from '../identities.js';
import { deviceView, moduleView } from './identity-views.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

export const devicesAndModulesInTargetDeviceScope: RestHandler = async (request, { registry }) => {
  const { deviceId, moduleId } = request.params as { deviceId: string; moduleId: string };
  if (moduleId !== '$edgeHub') throw new CloudError(400, 'ArgumentInvalid', 'the device scope is listed through the $edgeHub module: /devices/{id}/modules/$edgeHub/…');
  const body = objectBody(request.body, 'a scope request');
  const target = targetOfChain(registry, deviceId, body.authChain);
  const pageSize = pageSizeOf(body.pageSize);
  const offset = offsetOf(body.continuationLink);
  const scope = registry.scopeOf(target);
  const entries = [...scope.devices.map((device) => ({ device })), ...scope.modules.map((module) => ({ module }))];
  const page = entries.slice(offset, offset + pageSize);
  const next = offset + pageSize < entries.length ? String(offset + pageSize) : null;
  return {
    status: 200,
    body: {
      devices: page.flatMap((entry) => ('device' in entry ? [deviceView(entry.device)] : [])),
      modules: page.flatMap((entry) => ('module' in entry ? [moduleView(entry.module)] : [])),
      continuationLink: next,
    },
  };
};

/** The target edge device, once the chain is checked: it ends at the caller, and each link is a child edge device of the next. */
function targetOfChain(registry: IdentityRegistry, actorId: string, chain: unknown): string {
  const links = typeof chain === 'string' && chain !== '' ? chain.split(';') : [actorId];
  if (links[links.length - 1] !== actorId) throw new CloudError(401, 'IotHubUnauthorizedAccess', `the authChain must end with the calling device ${actorId}`);
  const devices = links.map((id) => registry.getDevice(id));
  devices.forEach((device, index) => {
    if (!device) throw CloudError.deviceNotFound(links[index]!);
    if (!device.capabilities.iotEdge) throw new CloudError(400, 'ArgumentInvalid', `device ${links[index]} is not an IoT Edge device: only edge devices have a device scope`);
    const parent = devices[index + 1];
    if (parent && !isChildOf(device, parent)) throw new CloudError(401, 'IotHubUnauthorizedAccess', `device ${links[index]} is not a child of ${links[index + 1]}`);
  });
  return links[0]!;
}

function isChildOf(child: DeviceIdentity, parent: DeviceIdentity): boolean {
  return parent.deviceScope !== undefined && (child.parentScopes ?? []).includes(parent.deviceScope);
}

function pageSizeOf(value: unknown): number {
  if (value === undefined || value === null) return DEFAULT_PAGE_SIZE;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new CloudError(400, 'ArgumentInvalid', 'pageSize must be a positive whole number');
  return Math.min(value, MAX_PAGE_SIZE);
}

/** The continuation link is opaque to the edge hub; here it is the offset of the next page. */
function offsetOf(link: unknown): number {
  if (link === undefined || link === null || link === '') return 0;
  if (typeof link !== 'string' || !/^\d+$/.test(link)) throw new CloudError(400, 'ArgumentInvalid', 'continuationLink is not one this hub gave');
  return Number(link);
}
