// The `$edgeAgent` reported properties as edgeAgent writes them (Azure/iotedge edge-agent
// IoTHubReporter.BuildCurrentState and AgentState: schemaVersion "1.0", version, lastDesiredVersion,
// lastDesiredStatus {code, description} with codes 200/400/406 (DeploymentStatusCode.cs), runtime,
// systemModules {edgeAgent, edgeHub}, modules). Each module is a DockerRuntimeModule: its desired
// definition (version, status, restartPolicy, imagePullPolicy, startupOrder unless the default,
// type, settings {image, createOptions chunked at 512 characters (DockerReportedConfig,
// Constants.TwinMaxValueSize)}, env) plus exitCode, statusDescription, lastStartTimeUtc,
// lastExitTimeUtc, restartCount, lastRestartTimeUtc and runtimeStatus. Times a module never had are
// DateTime.MinValue as Newtonsoft.Json writes it, "0001-01-01T00:00:00Z", as edgeAgent reports them.
// Registry credentials are never reported.
import { arch, platform, release } from 'node:os';
import { setOwn } from '../../manifest/json-pointer.js';
import { chunkCreateOptions } from '../../manifest/docker/chunk-create-options.js';
import { joinCreateOptions } from '../../manifest/docker/join-create-options.js';
import { isPlainObject } from '../../manifest/manifest-shape.js';
import type { AgentDeployment, ModuleRuntime, ModuleSpec } from './agent-types.js';
import { LAST_STARTUP_ORDER } from './deployment.js';

export const REPORTED_SCHEMA_VERSION = '1.0';
export const NEVER_UTC = '0001-01-01T00:00:00Z';

export interface DeploymentStatus {
  /** 200 applied, 400 refused (description says why), 406 unknown. */
  code: 200 | 400 | 406;
  description: string;
}

export interface ReportedContext {
  /** How the last desired deployment fared (default: applied, 200). */
  status?: DeploymentStatus;
  /** When the agent (this process) started, ms since the epoch. */
  agentStartedAtMs?: number;
  /** When the in-process hub started. */
  hubStartedAtMs?: number;
  /** The edgewise version, reported where edgeAgent reports its own. */
  version?: string;
}

export function reportedState(deployment: AgentDeployment, states: Record<string, ModuleRuntime>, context: ReportedContext = {}): Record<string, unknown> {
  const desired = deployment.desired;
  const modules: Record<string, unknown> = {};
  for (const spec of [...deployment.modules].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const runtime = Object.prototype.hasOwnProperty.call(states, spec.name) ? states[spec.name]! : { runtimeStatus: 'unknown' as const, restartCount: 0 };
    setOwn(modules, spec.name, reportedModule(spec, definitionOf(desired.modules, spec.name), runtime));
  }
  return {
    schemaVersion: REPORTED_SCHEMA_VERSION,
    version: { version: context.version ?? '', build: 'edgewise', commit: '' },
    lastDesiredVersion: deployment.version ?? 0,
    lastDesiredStatus: context.status ?? { code: 200, description: '' },
    runtime: reportedRuntime(desired.runtime),
    systemModules: {
      edgeAgent: systemModule(definitionOf(desired.systemModules, 'edgeAgent'), context.agentStartedAtMs, false),
      edgeHub: systemModule(definitionOf(desired.systemModules, 'edgeHub'), context.hubStartedAtMs, true),
    },
    modules,
  };
}

function reportedModule(spec: ModuleSpec, definition: Record<string, unknown>, runtime: ModuleRuntime): Record<string, unknown> {
  const reported: Record<string, unknown> = {};
  if (typeof definition.version === 'string') reported.version = definition.version;
  reported.status = spec.status;
  reported.restartPolicy = spec.restartPolicy;
  reported.imagePullPolicy = spec.imagePullPolicy;
  if (spec.startupOrder !== LAST_STARTUP_ORDER) reported.startupOrder = spec.startupOrder;
  reported.type = 'docker';
  reported.settings = { image: spec.image, ...chunkCreateOptions(spec.createOptions) };
  reported.env = reportedEnv(spec.env);
  reported.exitCode = runtime.exitCode ?? 0;
  if (runtime.statusDescription !== undefined) reported.statusDescription = runtime.statusDescription;
  reported.lastStartTimeUtc = runtime.lastStartTimeUtc ?? NEVER_UTC;
  reported.lastExitTimeUtc = runtime.lastExitTimeUtc ?? NEVER_UTC;
  reported.restartCount = runtime.restartCount;
  reported.lastRestartTimeUtc = runtime.lastRestartTimeUtc ?? NEVER_UTC;
  reported.runtimeStatus = runtime.runtimeStatus;
  return reported;
}

/** edgeAgent and edgeHub run in this process: running since it started (edgeAgent reports no status, restartPolicy or restart count for itself). */
function systemModule(definition: Record<string, unknown>, startedAtMs: number | undefined, isHub: boolean): Record<string, unknown> {
  const reported: Record<string, unknown> = {};
  if (isHub) {
    reported.status = 'running';
    reported.restartPolicy = 'always';
  }
  if (typeof definition.imagePullPolicy === 'string') reported.imagePullPolicy = definition.imagePullPolicy;
  reported.type = 'docker';
  const settings = isPlainObject(definition.settings) ? definition.settings : {};
  reported.settings = { image: typeof settings.image === 'string' ? settings.image : '', ...chunkCreateOptions(joinCreateOptions(settings, '')?.value ?? {}) };
  if (isPlainObject(definition.env)) reported.env = definition.env;
  reported.exitCode = 0;
  reported.lastStartTimeUtc = startedAtMs === undefined ? NEVER_UTC : new Date(startedAtMs).toISOString();
  reported.lastExitTimeUtc = NEVER_UTC;
  if (isHub) {
    reported.restartCount = 0;
    reported.lastRestartTimeUtc = NEVER_UTC;
  }
  reported.runtimeStatus = startedAtMs === undefined ? 'unknown' : 'running';
  return reported;
}

/** runtime.type and runtime.settings (minDockerVersion, loggingOptions), never registryCredentials; plus the platform. */
function reportedRuntime(runtime: unknown): Record<string, unknown> {
  const given = isPlainObject(runtime) ? runtime : {};
  const settings = isPlainObject(given.settings) ? { ...given.settings } : {};
  delete settings.registryCredentials;
  return {
    type: typeof given.type === 'string' ? given.type : 'docker',
    settings,
    platform: { os: platform(), architecture: arch(), version: release() },
  };
}

function reportedEnv(env: Record<string, string>): Record<string, { value: string }> {
  const reported: Record<string, { value: string }> = {};
  for (const [name, value] of Object.entries(env)) setOwn(reported, name, { value });
  return reported;
}

function definitionOf(map: unknown, name: string): Record<string, unknown> {
  if (!isPlainObject(map) || !Object.prototype.hasOwnProperty.call(map, name)) return {};
  const definition = map[name];
  return isPlainObject(definition) ? definition : {};
}
