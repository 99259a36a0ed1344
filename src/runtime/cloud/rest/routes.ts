// The REST API's routes (docs/FACTS.md §9): IoT Hub's paths for the calls the offline scenario
// needs, and the emulator's extras under /edgewise/. Each route says whether a device may make
// the call for its own scope (`device`: the path's device must be the caller); every other call
// needs the iothubowner policy. Literal path parts match case-insensitively; ids are exact.
import { CloudError } from '../cloud-error.js';
import { sendCloudToDevice } from './cloud-to-device-handler.js';
import { applyConfiguration } from './configuration-handler.js';
import { deleteDevice, getDevice, listDevices, putDevice } from './device-handlers.js';
import { devicesAndModulesInTargetDeviceScope } from './device-scope-handler.js';
import { readMessages } from './messages-handler.js';
import { invokeMethod } from './method-handlers.js';
import { deleteModule, getModule, listModules, putModule } from './module-handlers.js';
import type { RestHandler } from './rest-types.js';
import { getTwin, patchTwin } from './twin-handlers.js';

export interface Route {
  method: string;
  /** Segments; `:name` captures a URL-decoded id. */
  path: string;
  handler: RestHandler;
  /** A device (or its $edgeHub module) may call this for its own device, named by the path. */
  device?: true;
}

export const ROUTES: readonly Route[] = [
  { method: 'GET', path: '/devices', handler: listDevices },
  { method: 'PUT', path: '/devices/:deviceId', handler: putDevice },
  { method: 'GET', path: '/devices/:deviceId', handler: getDevice, device: true },
  { method: 'DELETE', path: '/devices/:deviceId', handler: deleteDevice },
  { method: 'GET', path: '/devices/:deviceId/modules', handler: listModules, device: true },
  { method: 'PUT', path: '/devices/:deviceId/modules/:moduleId', handler: putModule, device: true },
  { method: 'GET', path: '/devices/:deviceId/modules/:moduleId', handler: getModule, device: true },
  { method: 'DELETE', path: '/devices/:deviceId/modules/:moduleId', handler: deleteModule, device: true },
  { method: 'POST', path: '/devices/:deviceId/modules/:moduleId/devicesAndModulesInTargetDeviceScope', handler: devicesAndModulesInTargetDeviceScope, device: true },
  { method: 'POST', path: '/devices/:deviceId/applyConfigurationContent', handler: applyConfiguration },
  { method: 'GET', path: '/twins/:deviceId', handler: getTwin },
  { method: 'PATCH', path: '/twins/:deviceId', handler: patchTwin },
  { method: 'GET', path: '/twins/:deviceId/modules/:moduleId', handler: getTwin },
  { method: 'PATCH', path: '/twins/:deviceId/modules/:moduleId', handler: patchTwin },
  { method: 'POST', path: '/twins/:deviceId/methods', handler: invokeMethod },
  { method: 'POST', path: '/twins/:deviceId/modules/:moduleId/methods', handler: invokeMethod },
  { method: 'GET', path: '/edgewise/messages', handler: readMessages },
  { method: 'POST', path: '/edgewise/devices/:deviceId/messages', handler: sendCloudToDevice },
];

export interface MatchedRoute {
  route: Route;
  params: Record<string, string>;
}

/** The route for a method and path; 404 when no path matches, 405 when the path does but not the method. */
export function matchRoute(method: string, pathname: string, routes: readonly Route[] = ROUTES): MatchedRoute {
  // Only the leading and a trailing slash are dropped: an empty id (`/devices//modules`) must
  // not shift the path onto another resource.
  const segments = pathname.replace(/^\//, '').replace(/\/$/, '').split('/');
  let pathMatched = false;
  for (const route of routes) {
    const params = matchPath(route.path, segments);
    if (!params) continue;
    if (route.method === method) return { route, params };
    pathMatched = true;
  }
  if (pathMatched) throw new CloudError(405, 'MethodNotAllowed', `${method} is not served on ${pathname}`);
  throw new CloudError(404, 'NotFound', `no such resource: ${method} ${pathname} (edgewise cloud serves the IoT Hub REST subset in docs/FACTS.md §9)`);
}

function matchPath(path: string, segments: readonly string[]): Record<string, string> | undefined {
  const parts = path.split('/').filter((part) => part !== '');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of parts.entries()) {
    const segment = segments[index]!;
    if (part.startsWith(':')) {
      if (segment === '') return undefined;
      const decoded = decodeSegment(segment);
      if (decoded === undefined || decoded === '') return undefined;
      params[part.slice(1)] = decoded;
    } else if (part.toLowerCase() !== segment.toLowerCase()) {
      return undefined;
    }
  }
  return params;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}
