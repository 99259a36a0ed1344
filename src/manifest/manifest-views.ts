// Read-only views of the parts of a manifest that rules look at: the edgeAgent and edgeHub
// desired properties, routes, and module environment variables, each with its pointer.
// Both the full form and layered (flattened "properties.desired.x.y") keys are covered.
import { appendPointer } from './json-pointer.js';
import { isPlainObject } from './manifest-shape.js';
import type { NormalizedManifest } from './normalize-manifest.js';

const DESIRED = 'properties.desired';

export interface DesiredView {
  pointer: string;
  value: Record<string, unknown>;
}

export interface RouteView {
  name: string;
  /** Pointer of the route entry (a string, or an object with `route`). */
  pointer: string;
  /** Pointer of the route text itself. */
  textPointer: string;
  text: string;
  priority?: number;
  timeToLiveSecs?: number;
}

export interface EnvVarView {
  name: string;
  pointer: string;
  value: unknown;
}

function twin(manifest: NormalizedManifest, name: '$edgeAgent' | '$edgeHub'): { pointer: string; value: Record<string, unknown> } | undefined {
  const content = manifest.located.modulesContent;
  const value = content?.[name];
  return isPlainObject(value) ? { pointer: appendPointer(manifest.located.pointer, name), value } : undefined;
}

/** `properties.desired` of $edgeAgent or $edgeHub, when written in full. */
export function desiredOf(manifest: NormalizedManifest, name: '$edgeAgent' | '$edgeHub'): DesiredView | undefined {
  const found = twin(manifest, name);
  const desired = found?.value[DESIRED];
  return found && isPlainObject(desired) ? { pointer: appendPointer(found.pointer, DESIRED), value: desired } : undefined;
}

export function schemaVersionOf(manifest: NormalizedManifest, name: '$edgeAgent' | '$edgeHub'): string | undefined {
  const version = desiredOf(manifest, name)?.value.schemaVersion;
  return typeof version === 'string' ? version : undefined;
}

/** Eight rules read the routes of each manifest: they are listed once per manifest. */
const ROUTES = new WeakMap<NormalizedManifest, readonly RouteView[]>();

export function listRoutes(manifest: NormalizedManifest): readonly RouteView[] {
  let routes = ROUTES.get(manifest);
  if (!routes) {
    routes = routesOf(manifest);
    ROUTES.set(manifest, routes);
  }
  return routes;
}

function routesOf(manifest: NormalizedManifest): RouteView[] {
  const routes: RouteView[] = [];
  const desired = desiredOf(manifest, '$edgeHub');
  if (desired && isPlainObject(desired.value.routes)) {
    const routesPointer = appendPointer(desired.pointer, 'routes');
    for (const [name, entry] of Object.entries(desired.value.routes)) addRoute(routes, name, appendPointer(routesPointer, name), entry);
  }
  const hub = twin(manifest, '$edgeHub');
  for (const [key, entry] of Object.entries(hub?.value ?? {})) {
    const layered = /^properties\.desired\.routes\.(.+)$/.exec(key);
    if (layered && hub) addRoute(routes, layered[1]!, appendPointer(hub.pointer, key), entry);
  }
  return routes;
}

function addRoute(routes: RouteView[], name: string, pointer: string, entry: unknown): void {
  if (typeof entry === 'string') {
    routes.push({ name, pointer, textPointer: pointer, text: entry });
  } else if (isPlainObject(entry) && typeof entry.route === 'string') {
    routes.push({
      name,
      pointer,
      textPointer: appendPointer(pointer, 'route'),
      text: entry.route,
      priority: typeof entry.priority === 'number' ? entry.priority : undefined,
      timeToLiveSecs: typeof entry.timeToLiveSecs === 'number' ? entry.timeToLiveSecs : undefined,
    });
  }
}

/** A module's environment variables, with pointers to each entry. */
export function listEnv(definition: Record<string, unknown>, modulePointer: string): EnvVarView[] {
  if (!isPlainObject(definition.env)) return [];
  const envPointer = appendPointer(modulePointer, 'env');
  return Object.entries(definition.env).map(([name, entry]) => ({
    name,
    pointer: appendPointer(envPointer, name),
    value: isPlainObject(entry) ? entry.value : undefined,
  }));
}

/** Finds an environment variable by name, case-insensitively as edgeHub and edgeAgent read them. */
export function findEnv(definition: Record<string, unknown>, modulePointer: string, name: string): EnvVarView | undefined {
  const lower = name.toLowerCase();
  return listEnv(definition, modulePointer).find((entry) => entry.name.toLowerCase() === lower);
}
