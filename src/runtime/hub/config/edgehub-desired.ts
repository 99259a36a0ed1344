// The $edgeHub desired properties read and checked as edgeHub's EdgeHubConfigParser does
// (Azure/iotedge edge-hub/core/src/Microsoft.Azure.Devices.Edge.Hub.Core/config/):
// - schemaVersion is required and read as a .NET Version: major 1, minor 0–3 (EdgeHubDesiredProperties_1_0 … _1_3);
// - 1.0: routes are plain strings, and blank ones are skipped; routes and storeAndForwardConfiguration may be absent;
// - 1.1+: routes and storeAndForwardConfiguration are required; a route is a string or
//   {route, priority, timeToLiveSecs} (RouteSpecConverter), its text must not be blank, its
//   priority is 0–9 or the default 2,000,000,000, and its TTL an unsigned integer where 0 means
//   "use the global TTL" (RouteSpec.cs);
// - any route that does not build fails the whole document (ParseRoutesWithPriority).
// Each route is compiled with src/routes/, as edgeHub's RouteFactory and RouteCompiler do.
import { InputError } from '../../../errors.js';
import { isPlainObject } from '../../../manifest/manifest-shape.js';
import { compileRoute, type RouteCompileResult } from '../../../routes/index.js';
import type { HubRoute } from './hub-settings.js';

/**
 * The docs' default TTL (learn.microsoft.com/azure/iot-edge/offline-capabilities, 7200 s). edgeHub
 * itself keeps messages forever until its twin arrives, and reads a storeAndForwardConfiguration
 * without timeToLiveSecs as 0 (docs/FACTS.md §3); a reference runtime follows the documented value
 * so what the user reads is what happens.
 */
export const DOCUMENTED_DEFAULT_TTL_SECS = 7200;

/** RouteFactory.DefaultPriority: half of uint.MaxValue rounded down, below every explicit priority. */
export const DEFAULT_ROUTE_PRIORITY = 2_000_000_000;
const MAX_ROUTE_PRIORITY = 9;
const UINT_MAX = 4_294_967_295;
const INT_MAX = 2_147_483_647;

export interface EdgeHubDesired {
  schemaVersion: string;
  /** Undefined when a 1.0 document has no routes: edgeHub then keeps the ones it has (ConfigUpdater.UpdateRoutes). */
  routes?: HubRoute[];
  /**
   * storeAndForwardConfiguration.timeToLiveSecs (DOCUMENTED_DEFAULT_TTL_SECS when that object has
   * none); undefined when a 1.0 document has no storeAndForwardConfiguration: edgeHub then keeps
   * its TTL (ConfigUpdater.UpdateStoreAndForwardConfig).
   */
  timeToLiveSecs?: number;
}

/** Reads one $edgeHub `properties.desired` document; throws InputError naming what to fix. */
export function parseEdgeHubDesired(desired: unknown): EdgeHubDesired {
  if (!isPlainObject(desired)) throw new InputError('The $edgeHub desired properties are not an object; write them as {"schemaVersion": "1.1", "routes": {…}, "storeAndForwardConfiguration": {…}}.', 'bad-edgehub-desired');
  const schemaVersion = desired.schemaVersion;
  const minor = schemaMinor(schemaVersion);
  const saf = desired.storeAndForwardConfiguration;
  if (minor >= 1 && !isPlainObject(desired.routes)) {
    throw new InputError(`$edgeHub schemaVersion ${String(schemaVersion)} requires "routes" (an object, possibly empty).`, 'bad-edgehub-desired');
  }
  if (minor >= 1 && !isPlainObject(saf)) {
    throw new InputError(`$edgeHub schemaVersion ${String(schemaVersion)} requires "storeAndForwardConfiguration", e.g. {"timeToLiveSecs": 7200}.`, 'bad-edgehub-desired');
  }
  const routes = desired.routes === undefined || desired.routes === null ? undefined : readRoutes(desired.routes, minor);
  return { schemaVersion: schemaVersion as string, routes, timeToLiveSecs: globalTtl(saf) };
}

/** The minor version of a supported schemaVersion ("1.1", "1.1.0", …), or an InputError. */
function schemaMinor(version: unknown): number {
  const fix = 'set "schemaVersion" to "1.1" (or 1.0, 1.2, 1.3)';
  if (version === undefined || version === null) throw new InputError(`The $edgeHub desired properties have no schemaVersion; ${fix}.`, 'bad-edgehub-desired');
  // .NET's Version parse: two to four dot-separated non-negative numbers.
  const match = typeof version === 'string' ? /^(\d+)\.(\d+)(?:\.\d+){0,2}$/.exec(version.trim()) : null;
  if (!match) throw new InputError(`$edgeHub schemaVersion ${JSON.stringify(version)} is not a version string; ${fix}.`, 'bad-edgehub-desired');
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major !== 1 || minor > 3) throw new InputError(`$edgeHub schemaVersion ${version} is not supported by edgeHub; ${fix}.`, 'bad-edgehub-desired');
  return minor;
}

function readRoutes(value: unknown, minor: number): HubRoute[] {
  if (!isPlainObject(value)) throw new InputError('$edgeHub "routes" must be an object of named routes.', 'bad-edgehub-desired');
  const routes: HubRoute[] = [];
  for (const [name, entry] of Object.entries(value)) {
    if (minor >= 1 && name.trim() === '') throw new InputError('$edgeHub has a route with an empty name; give every route a name.', 'bad-edgehub-desired');
    const spec = minor === 0 ? legacySpec(name, entry) : routeSpec(name, entry);
    if (spec) routes.push({ name, ...spec, compiled: compiled(name, spec.text) });
  }
  return routes;
}

type RouteSpec = Omit<HubRoute, 'name' | 'compiled'>;

/** Schema 1.0: a string per route; blank (or null) routes are skipped as edgeHub does. */
function legacySpec(name: string, entry: unknown): RouteSpec | undefined {
  if (entry === null || (typeof entry === 'string' && entry.trim() === '')) return undefined;
  if (typeof entry !== 'string') {
    throw new InputError(`Route "${name}" must be a string under $edgeHub schemaVersion 1.0; use schemaVersion 1.1 to give a route as {"route", "priority", "timeToLiveSecs"}.`, 'bad-route');
  }
  return { text: entry, priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0 };
}

/** Schema 1.1+: a string, or {route, priority, timeToLiveSecs}. */
function routeSpec(name: string, entry: unknown): RouteSpec {
  if (typeof entry === 'string') return { text: nonBlank(name, entry), priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0 };
  if (!isPlainObject(entry)) throw new InputError(`Route "${name}" must be a string or an object {"route", "priority", "timeToLiveSecs"}.`, 'bad-route');
  const text = nonBlank(name, entry.route);
  const priority = entry.priority ?? DEFAULT_ROUTE_PRIORITY;
  if (!Number.isInteger(priority) || ((priority as number) < 0 || (priority as number) > MAX_ROUTE_PRIORITY) && priority !== DEFAULT_ROUTE_PRIORITY) {
    throw new InputError(`Route "${name}" has priority ${JSON.stringify(priority)}; edgeHub accepts 0 (highest) to 9, or no priority.`, 'bad-route');
  }
  const ttl = entry.timeToLiveSecs ?? 0;
  if (!Number.isInteger(ttl) || (ttl as number) < 0 || (ttl as number) > UINT_MAX) {
    throw new InputError(`Route "${name}" has timeToLiveSecs ${JSON.stringify(ttl)}; use a whole number of seconds, or 0 to keep the global storeAndForwardConfiguration.timeToLiveSecs (set that to -1 for no expiry).`, 'bad-route');
  }
  return { text, priority: priority as number, timeToLiveSecs: ttl as number };
}

function nonBlank(name: string, text: unknown): string {
  if (typeof text !== 'string' || text.trim() === '') throw new InputError(`Route "${name}" has no route text; write it as "FROM /messages/* INTO $upstream".`, 'bad-route');
  return text;
}

function compiled(name: string, text: string): HubRoute['compiled'] {
  const result = compileRoute(text);
  if (result.ok) return result.route;
  throw new InputError(`Route "${name}" does not compile: ${compileFailure(result)}`, 'bad-route');
}

function compileFailure(result: Exclude<RouteCompileResult, { ok: true }>): string {
  switch (result.stage) {
    case 'parse':
      return `${result.error.message} (at offset ${result.error.offset}).`;
    case 'endpoint':
      return result.reason;
    case 'condition':
      return result.errors.map((error) => error.message).join('; ');
  }
}

/** storeAndForwardConfiguration.timeToLiveSecs: a 32-bit integer, negative meaning no expiry (StoreAndForwardConfiguration.cs). */
function globalTtl(saf: unknown): number | undefined {
  if (!isPlainObject(saf)) return undefined;
  if (saf.timeToLiveSecs === undefined || saf.timeToLiveSecs === null) return DOCUMENTED_DEFAULT_TTL_SECS;
  const ttl = saf.timeToLiveSecs;
  if (!Number.isInteger(ttl) || Math.abs(ttl as number) > INT_MAX) {
    throw new InputError(`storeAndForwardConfiguration.timeToLiveSecs is ${JSON.stringify(ttl)}; use a whole number of seconds (7200 is the documented default, -1 keeps messages until delivered).`, 'bad-edgehub-desired');
  }
  return ttl as number;
}
