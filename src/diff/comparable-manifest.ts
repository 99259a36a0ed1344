// The normalized comparison model: what a manifest means to edgeAgent and edgeHub, keyed by name,
// so that two manifests compare by meaning and not by text. Built from the effective desired
// properties (flattened layered keys folded in), with createOptions chunks joined and parsed
// (normalize-manifest.ts), env vars, routes and registry credentials by name.
//
// Equal in meaning, so equal here:
// - createOptions chunked differently, as an object (template) or as a string, "{}" or absent
//   (edgeAgent joins chunks before parsing, and empty options mean none: join-create-options.ts);
// - a route written as a string or as {"route": …} with no priority or TTL;
// - imagePullPolicy absent or "on-create" (its default, FACTS §1); startupOrder absent or
//   4294967295 ("last", the uint32 default, FACTS §1); edgeHub's restartPolicy absent or
//   "always" (EdgeHubDockerModule.cs: DefaultValue(RestartPolicy.Always)).
// Names (modules, routes, twins, env vars) are the user's keys, so they are written as own
// entries and read only as own ones: a module named "__proto__" or "toString" is a module.
import { createOptionsAt } from '../manifest/docker/create-options-index.js';
import { appendPointer, ownValue, setOwn, UnsafePathError } from '../manifest/json-pointer.js';
import { isPlainObject, locateModulesContent } from '../manifest/manifest-shape.js';
import { listEnv } from '../manifest/manifest-views.js';
import { normalizeManifest, type NormalizedManifest } from '../manifest/normalize-manifest.js';
import { collectSecrets, maskableSecrets, secretsIn } from '../manifest/secrets.js';
import { effectiveTwins, toModulesContent, type EffectiveTwins } from '../merge/effective-twins.js';
import { isCreateOptionsKey } from './create-options-keys.js';

export interface ComparableModule {
  /** Present (true) for edgeAgent and edgeHub, which live under systemModules. */
  system?: true;
  type?: unknown;
  version?: unknown;
  status?: unknown;
  restartPolicy?: unknown;
  imagePullPolicy?: unknown;
  startupOrder?: unknown;
  image?: unknown;
  /** Parsed createOptions; the joined text when it is not a JSON object. */
  createOptions?: unknown;
  /** Env var name -> value. */
  env?: Record<string, unknown>;
  /** Other settings keys. */
  settings?: Record<string, unknown>;
  /** Other module keys. */
  other?: Record<string, unknown>;
}

export interface ComparableRoute {
  route?: unknown;
  priority?: unknown;
  timeToLiveSecs?: unknown;
  [key: string]: unknown;
}

export interface ComparableManifest {
  modules: Record<string, ComparableModule>;
  routes: Record<string, ComparableRoute>;
  /** edgeHub storeAndForwardConfiguration. */
  storeAndForward?: unknown;
  registryCredentials: Record<string, unknown>;
  /** Desired properties of the other module twins, by module name. */
  twins: Record<string, unknown>;
  /** The rest of $edgeAgent's desired properties (schemaVersion, runtime without credentials). */
  agentSettings: Record<string, unknown>;
  /** The rest of $edgeHub's desired properties (schemaVersion, mqttBroker…). */
  hubSettings: Record<string, unknown>;
}

export interface ManifestMeaning {
  model: ComparableManifest;
  twins: EffectiveTwins;
  /** The full-form manifest the model was read from (for secrets and views). */
  normalized: NormalizedManifest;
  /** The document as written, whose secrets count even where the model leaves them out (a layer's key outside "properties.desired"). */
  source: unknown;
}

const AGENT = '$edgeAgent';
const HUB = '$edgeHub';
const LAST = 4294967295;
const MODULE_FIELDS = new Set(['type', 'version', 'status', 'restartPolicy', 'imagePullPolicy', 'startupOrder', 'settings', 'env']);

export async function readMeaning(file: string, value: unknown): Promise<ManifestMeaning> {
  const twins = twinsOf(file, value);
  const normalized = await normalizeManifest({ modulesContent: toModulesContent(twins) }, { flavour: 'manifest', file });
  return { model: buildModel(normalized, twins), twins, normalized, source: value };
}

/** Secret values of a manifest (registry passwords, secret-named env values), for masking: the meaning's, and the document's as written. */
export function secretsOf(meaning: ManifestMeaning): string[] {
  return maskableSecrets([...collectSecrets(meaning.normalized), ...secretsIn(meaning.source)]);
}

function twinsOf(file: string, value: unknown): EffectiveTwins {
  try {
    return effectiveTwins(locateModulesContent(value).modulesContent);
  } catch (error) {
    if (error instanceof UnsafePathError) throw new UnsafePathError(`${file}: ${error.message}`, error.segment);
    throw error;
  }
}

function buildModel(manifest: NormalizedManifest, twins: EffectiveTwins): ComparableManifest {
  const model: ComparableManifest = { modules: {}, routes: {}, registryCredentials: {}, twins: {}, agentSettings: {}, hubSettings: {} };
  for (const module of manifest.modules) setOwn(model.modules, module.name, comparableModule(manifest, module.name, module.kind, module.pointer, module.definition));

  const agent = structuredClone(twins.get(AGENT) ?? {});
  delete agent.modules;
  delete agent.systemModules;
  const settings = isPlainObject(agent.runtime) && isPlainObject(agent.runtime.settings) ? agent.runtime.settings : undefined;
  if (settings && 'registryCredentials' in settings) {
    if (isPlainObject(settings.registryCredentials)) model.registryCredentials = settings.registryCredentials;
    else model.agentSettings.registryCredentials = settings.registryCredentials;
    delete settings.registryCredentials;
  }
  model.agentSettings = { ...model.agentSettings, ...agent }; // a spread, unlike Object.assign, keeps a "__proto__" key as data

  const hub = structuredClone(twins.get(HUB) ?? {});
  if (isPlainObject(hub.routes)) {
    for (const [name, entry] of Object.entries(hub.routes)) setOwn(model.routes, name, comparableRoute(entry));
  } else if (hub.routes !== undefined) {
    model.hubSettings.routes = hub.routes;
  }
  if (hub.storeAndForwardConfiguration !== undefined) model.storeAndForward = hub.storeAndForwardConfiguration;
  delete hub.routes;
  delete hub.storeAndForwardConfiguration;
  model.hubSettings = { ...model.hubSettings, ...hub };

  for (const [name, desired] of twins) if (name !== AGENT && name !== HUB) setOwn(model.twins, name, desired);
  return model;
}

function comparableModule(manifest: NormalizedManifest, name: string, kind: 'system' | 'user', pointer: string, definition: Record<string, unknown>): ComparableModule {
  const module: ComparableModule = {};
  if (kind === 'system') module.system = true;
  for (const field of ['type', 'version', 'status', 'restartPolicy', 'imagePullPolicy', 'startupOrder'] as const) {
    if (definition[field] !== undefined) module[field] = definition[field];
  }
  if (module.imagePullPolicy === 'on-create') delete module.imagePullPolicy;
  if (module.startupOrder === LAST) delete module.startupOrder;
  if (kind === 'system' && name === 'edgeHub' && module.restartPolicy === 'always') delete module.restartPolicy;

  const settings = definition.settings;
  if (isPlainObject(settings)) {
    if (settings.image !== undefined) module.image = settings.image;
    const options = createOptionsOf(manifest, pointer, settings);
    if (options !== undefined) module.createOptions = options;
    const rest = Object.fromEntries(Object.entries(settings).filter(([key]) => key !== 'image' && !isCreateOptionsKey(key)));
    if (Object.keys(rest).length > 0) module.settings = rest;
  } else if (settings !== undefined) {
    module.settings = { value: settings };
  }
  if (definition.env !== undefined) {
    if (isPlainObject(definition.env)) {
      const env: Record<string, unknown> = {};
      const raw = definition.env;
      for (const entry of listEnv(definition, pointer)) setOwn(env, entry.name, entry.value !== undefined ? entry.value : ownValue(raw, entry.name));
      if (Object.keys(env).length > 0) module.env = env;
    } else {
      module.env = { value: definition.env };
    }
  }
  const other = Object.fromEntries(Object.entries(definition).filter(([key]) => !MODULE_FIELDS.has(key)));
  if (Object.keys(other).length > 0) module.other = other;
  return module;
}

function createOptionsOf(manifest: NormalizedManifest, modulePointer: string, settings: Record<string, unknown>): unknown {
  const joined = createOptionsAt(manifest.createOptions, appendPointer(modulePointer, 'settings'));
  if (!joined) return undefined;
  if (joined.value) return Object.keys(joined.value).length > 0 ? joined.value : undefined;
  if (joined.joined.trim() === '' || joined.joined.trim() === 'null') {
    // Empty, or chunks that could not be joined (a gap, a non-string): keep them as written.
    const chunks = Object.fromEntries(Object.entries(settings).filter(([key]) => isCreateOptionsKey(key)));
    return joined.problems.length > 0 || joined.chunks.some((chunk) => typeof ownValue(settings, chunk.key) !== 'string') ? chunks : undefined;
  }
  return joined.joined; // not JSON, or not an object: compared as text
}

function comparableRoute(entry: unknown): ComparableRoute {
  if (typeof entry === 'string') return { route: entry };
  if (isPlainObject(entry)) return { ...entry };
  return { value: entry };
}
