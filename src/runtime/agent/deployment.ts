// The `$edgeAgent` desired properties as a deployment the agent can run: one ModuleSpec per user
// module, read with the manifest model's helpers (listAgentModules, listEnv, joinCreateOptions)
// and edgeAgent's defaults (docs/FACTS.md §1): restartPolicy always, imagePullPolicy on-create,
// startupOrder 4294967295 ("last"). Whatever the agent cannot run is an InputError of one line.
import { InputError } from '../../errors.js';
import { listAgentModules, type AgentModule } from '../../manifest/agent-modules.js';
import { joinCreateOptions } from '../../manifest/docker/join-create-options.js';
import { appendPointer, setOwn } from '../../manifest/json-pointer.js';
import { listEnv } from '../../manifest/manifest-views.js';
import { isPlainObject } from '../../manifest/manifest-shape.js';
import { readLikeNewtonsoft } from '../../manifest/newtonsoft-json.js';
import type { NormalizedManifest } from '../../manifest/normalize-manifest.js';
import { findPlaceholder } from '../../manifest/placeholders.js';
import { effectiveTwins } from '../../merge/effective-twins.js';
import type { AgentDeployment, DesiredStatus, ModuleSpec, RestartPolicy } from './agent-types.js';

/** uint.MaxValue: edgeAgent's DefaultStartupOrder, so a module without one starts last. */
export const LAST_STARTUP_ORDER = 4_294_967_295;

const RESTART_POLICIES: readonly RestartPolicy[] = ['never', 'on-failure', 'on-unhealthy', 'always'];
const STATUSES: readonly DesiredStatus[] = ['running', 'stopped'];
const PULL_POLICIES: readonly ModuleSpec['imagePullPolicy'][] = ['on-create', 'never'];
const CODE = 'bad-edgeagent-desired';

/**
 * Reads one `$edgeAgent` `properties.desired` document (a twin's or a manifest's). Twin metadata
 * (`$version`, `$metadata`) is left out of `desired`; `$version` is the version when none is given.
 */
export function deploymentFromDesired(desired: unknown, version?: number): AgentDeployment {
  if (!isPlainObject(desired)) {
    throw new InputError('The $edgeAgent desired properties are not an object; write them as {"schemaVersion": "1.1", "runtime": {…}, "systemModules": {…}, "modules": {…}}.', CODE);
  }
  const document = Object.fromEntries(Object.entries(desired).filter(([key]) => !key.startsWith('$')));
  const twinVersion = typeof desired.$version === 'number' ? desired.$version : undefined;
  const schemaVersion = checkedSchemaVersion(document.schemaVersion);
  const listed = listAgentModules({ $edgeAgent: { 'properties.desired': document } }, '');
  const modules = listed.filter((module) => module.kind === 'user').map(moduleSpec);
  const hub = listed.find((module) => module.kind === 'system' && module.name === 'edgeHub');
  const deployment: AgentDeployment = { schemaVersion, modules, desired: document };
  const chosenVersion = version ?? twinVersion;
  if (chosenVersion !== undefined) deployment.version = chosenVersion;
  if (hub) deployment.edgeHub = { env: envOf(hub), createOptions: createOptionsOf(hub) };
  return deployment;
}

/** The deployment a manifest file describes (full or layered form), as a device would receive it. */
export function deploymentFromManifest(manifest: NormalizedManifest): AgentDeployment {
  if (!manifest.located.modulesContent) {
    throw new InputError('The manifest has no modulesContent, so there is no $edgeAgent to run; pass a deployment manifest ({"modulesContent": {"$edgeAgent": …}}).', CODE);
  }
  const desired = effectiveTwins(manifest.located.modulesContent).get('$edgeAgent');
  if (desired === undefined) {
    throw new InputError('The manifest has no $edgeAgent desired properties; add modulesContent.$edgeAgent["properties.desired"] with its modules.', CODE);
  }
  return deploymentFromDesired(desired);
}

/** edgeAgent accepts major 1 up to 1.1.0 (EdgeAgentConnection.cs; docs/FACTS.md §1). */
function checkedSchemaVersion(value: unknown): string {
  const fix = 'set "schemaVersion" to "1.1" (or "1.0")';
  if (value === undefined) throw new InputError(`The $edgeAgent desired properties have no schemaVersion; ${fix}.`, CODE);
  const text = typeof value === 'string' ? value : '';
  const match = /^(\d+)\.(\d+)(?:\.(\d+))?(?:\.\d+)?$/.exec(text.trim());
  if (!match) throw new InputError(`$edgeAgent schemaVersion ${JSON.stringify(value)} is not a version string; ${fix}.`, CODE);
  const [major, minor, patch] = [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
  if (major !== 1 || minor > 1 || (minor === 1 && patch > 0)) {
    throw new InputError(`$edgeAgent schemaVersion ${text} is not compatible with edgeAgent's 1.1.0; ${fix}.`, CODE);
  }
  return text;
}

function moduleSpec(module: AgentModule): ModuleSpec {
  const { name, definition } = module;
  const where = `module ${name}`;
  const settings = definition.settings;
  const image = isPlainObject(settings) ? settings.image : undefined;
  if (typeof image !== 'string' || image.trim() === '') {
    throw new InputError(`${where} has no settings.image; add "settings": {"image": "<registry>/<name>:<tag>"} to it.`, CODE);
  }
  const placeholder = findPlaceholder(image);
  if (placeholder !== undefined) {
    throw new InputError(`${where}: settings.image holds the placeholder ${placeholder}; run "edgewise gen" to fill it in, then run the generated manifest.`, CODE);
  }
  return {
    name,
    status: oneOf(definition.status, STATUSES, 'running', `${where}: status`),
    restartPolicy: oneOf(definition.restartPolicy, RESTART_POLICIES, 'always', `${where}: restartPolicy`),
    startupOrder: startupOrderOf(definition.startupOrder, where),
    image,
    imagePullPolicy: oneOf(definition.imagePullPolicy, PULL_POLICIES, 'on-create', `${where}: imagePullPolicy`),
    createOptions: createOptionsOf(module),
    env: envOf(module),
  };
}

function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T, what: string): T {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  throw new InputError(`${what} is ${JSON.stringify(value)}; use one of ${allowed.join(', ')}.`, CODE);
}

function startupOrderOf(value: unknown, where: string): number {
  if (value === undefined) return LAST_STARTUP_ORDER;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= LAST_STARTUP_ORDER) return value;
  throw new InputError(`${where}: startupOrder is ${JSON.stringify(value)}; use a whole number from 0 (first) to 4294967295 (last).`, CODE);
}

/** Joined as edgeAgent joins chunks; text Newtonsoft.Json reads (unquoted keys, comments…) is read as it reads it. */
function createOptionsOf(module: AgentModule): Record<string, unknown> {
  const settings = module.definition.settings;
  if (!isPlainObject(settings)) return {};
  const joined = joinCreateOptions(settings, appendPointer(module.pointer, 'settings'));
  if (!joined) return {};
  if (joined.value) return joined.value;
  const problem = joined.problems[0];
  if (problem?.messageId === 'gap') {
    throw new InputError(`module ${module.name}: settings.${String(problem.data?.key)} follows a gap (${String(problem.data?.missing)} is missing); number the createOptions chunks without gaps.`, CODE);
  }
  if (joined.chunks.some((chunk) => typeof settings[chunk.key] !== 'string')) {
    throw new InputError(`module ${module.name}: settings.createOptions must be a JSON string (or chunks of one); write it as "{\\"HostConfig\\": {…}}".`, CODE);
  }
  const text = joined.joined.trim();
  if (text === '' || text === 'null') return {};
  const lenient = joined.invalidJson ? readLikeNewtonsoft(joined.joined) : undefined;
  if (lenient && isPlainObject(lenient.value)) return lenient.value;
  throw new InputError(`module ${module.name}: settings.createOptions is not a JSON object; run "edgewise lint" to see where, and write it as {"HostConfig": {…}}.`, CODE);
}

/** `{NAME: {value}}` flattened; numbers and booleans become text, as a process environment holds only text. */
function envOf(module: AgentModule): Record<string, string> {
  const env: Record<string, string> = {};
  if (module.definition.env !== undefined && !isPlainObject(module.definition.env)) {
    throw new InputError(`module ${module.name}: env must be an object such as {"LOG_LEVEL": {"value": "debug"}}.`, CODE);
  }
  for (const entry of listEnv(module.definition, module.pointer)) {
    const value = entry.value;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      throw new InputError(`module ${module.name}: env.${entry.name} has no string, number or boolean value; write it as {"value": "…"}.`, CODE);
    }
    setOwn(env, entry.name, String(value)); // an env var named __proto__ stays a variable
  }
  return env;
}
