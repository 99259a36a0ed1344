// Where things stand in a parsed deployment, for the property test's generators: the agent's
// modules, the hub's routes and the module twins, nested under "properties.desired" in a
// deployment or as flattened "properties.desired.…" keys in a layered one (also inside the
// "content" wrapper `az iot edge deployment create` files use). Paths are own keys only, and
// writes define own entries, so a key such as "__proto__" stays data here too.

export type Doc = Record<string, unknown>;

export const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The object at `path` under `root`, made (as own entries) wherever it is missing or not an object. */
function objectAt(root: Doc, path: readonly string[]): Doc {
  let node = root;
  for (const key of path) {
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (!isObject(next)) Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[key] as Doc;
  }
  return node;
}

export function put(root: Doc, path: readonly string[], value: unknown): void {
  const parent = objectAt(root, path.slice(0, -1));
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
}

/** The value at `path`, through own entries only (a planted secret is checked only while it is there). */
export function valueAt(root: unknown, path: readonly string[]): unknown {
  let node = root;
  for (const key of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, key)) return undefined;
    node = (node as Doc)[key];
  }
  return node;
}

/**
 * Where the agent's and hub's desired properties are written: nested under "properties.desired"
 * in a deployment, or as flattened "properties.desired.…" keys in a layered one (whose module
 * entries are whole objects).
 */
export function places(doc: Doc): { agent: string[]; module: (name: string) => string[]; hubRoute: (name: string) => string[]; twin: (module: string, property: string) => string[]; layered: boolean } {
  const root = Object.hasOwn(doc, 'content') && isObject(doc.content) ? ['content', 'modulesContent'] : ['modulesContent'];
  const agent = valueAt(doc, [...root, '$edgeAgent']);
  const layered = isObject(agent) && !Object.hasOwn(agent, 'properties.desired');
  if (layered) {
    return {
      layered,
      agent: [...root, '$edgeAgent'],
      module: (name) => [...root, '$edgeAgent', `properties.desired.modules.${name}`],
      hubRoute: (name) => [...root, '$edgeHub', `properties.desired.routes.${name}`],
      twin: (module, property) => [...root, module, `properties.desired.${property}`],
    };
  }
  return {
    layered,
    agent: [...root, '$edgeAgent', 'properties.desired'],
    module: (name) => [...root, '$edgeAgent', 'properties.desired', 'modules', name],
    hubRoute: (name) => [...root, '$edgeHub', 'properties.desired', 'routes', name],
    twin: (module, property) => [...root, module, 'properties.desired', property],
  };
}

/** The first module the manifest declares (secrets go where a user would put them), or a new one. */
export function firstModule(doc: Doc): string {
  const where = places(doc);
  if (where.layered) {
    const agent = valueAt(doc, where.agent);
    const key = isObject(agent) ? Object.keys(agent).find((name) => /^properties\.desired\.modules\.[^.]+$/.test(name) && isObject(agent[name])) : undefined;
    return key?.slice('properties.desired.modules.'.length) ?? 'fuzzmodule';
  }
  const modules = valueAt(doc, [...where.agent, 'modules']);
  return (isObject(modules) && Object.keys(modules).find((name) => isObject(modules[name]))) || 'fuzzmodule';
}
