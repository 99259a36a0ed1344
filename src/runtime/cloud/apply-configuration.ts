// applyConfigurationContent (docs/FACTS.md §9): a deployment's modulesContent sets the desired
// properties of an edge device's $edgeAgent, $edgeHub and module twins. A deployment is the
// whole configuration, not a merge, so each listed twin's desired properties are replaced; a
// module that has no identity yet gets one, and modules the deployment no longer lists keep
// theirs, as IoT Hub does. Everything is checked before the first write, so a bad deployment
// changes nothing.
import { CloudError } from './cloud-error.js';
import type { IdentityRegistry } from './identities.js';
import type { TwinStore } from './twins.js';
import { twinValueBytes } from '../../manifest/twin-json-size.js';

/** IoT Hub's limit on desired properties (docs/FACTS.md §1). */
const MAX_DESIRED_BYTES = 32 * 1024;
const INVALID_CONTENT = 'The content provided for configuration is invalid. Please check and try again';

export interface ConfigurationTarget {
  registry: IdentityRegistry;
  twins: TwinStore;
}

export interface AppliedConfiguration {
  deviceId: string;
  /** The twins whose desired properties were replaced, in the order they were written. */
  modules: string[];
  /** Module identities the deployment created. */
  createdModules: string[];
}

export async function applyConfigurationContent(target: ConfigurationTarget, deviceId: string, content: Record<string, unknown>): Promise<AppliedConfiguration> {
  const device = target.registry.getDevice(deviceId);
  if (!device) throw CloudError.deviceNotFound(deviceId);
  if (!device.capabilities.iotEdge) throw invalid(`device ${deviceId} is not an IoT Edge device: a deployment applies to edge devices only`);
  if (isNonEmpty(content.deviceContent)) throw invalid('deviceContent is for automatic device configurations, not for an edge deployment');
  const desiredByModule = desiredPropertiesOf(content.modulesContent ?? content.moduleContent);
  const existing = new Set(target.registry.listModules(deviceId).map((module) => module.moduleId));
  const createdModules: string[] = [];
  for (const moduleId of desiredByModule.keys()) {
    if (existing.has(moduleId)) continue;
    await target.registry.createModule({ deviceId, moduleId, managedBy: 'IotEdge' });
    createdModules.push(moduleId);
  }
  // The agent acts on its own twin: the others are written first, so that what it starts finds its twin ready.
  const order = [...desiredByModule.keys()].sort((a, b) => rank(a) - rank(b));
  for (const moduleId of order) await target.twins.replaceDesired(deviceId, moduleId, desiredByModule.get(moduleId)!);
  return { deviceId, modules: order, createdModules };
}

function desiredPropertiesOf(modulesContent: unknown): Map<string, Record<string, unknown>> {
  if (!isObject(modulesContent) || Object.keys(modulesContent).length === 0) throw invalid('modulesContent must be an object with an entry per module ($edgeAgent, $edgeHub, …)');
  const desired = new Map<string, Record<string, unknown>>();
  for (const [moduleId, entry] of Object.entries(modulesContent)) {
    const properties = isObject(entry) ? entry['properties.desired'] : undefined;
    if (!isObject(properties)) throw invalid(`modulesContent.${moduleId} must be {"properties.desired": {…}}`);
    const bytes = twinValueBytes(properties);
    if (bytes > MAX_DESIRED_BYTES) throw new CloudError(400, 'ArgumentInvalid', `the desired properties of ${moduleId} are ${bytes} bytes; a twin holds at most ${MAX_DESIRED_BYTES}`);
    desired.set(moduleId, properties);
  }
  return desired;
}

function rank(moduleId: string): number {
  return moduleId === '$edgeAgent' ? 2 : moduleId === '$edgeHub' ? 1 : 0;
}

function invalid(detail: string): CloudError {
  return new CloudError(400, 'InvalidConfigurationContent', `${INVALID_CONTENT}: ${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isNonEmpty(value: unknown): boolean {
  return value !== undefined && value !== null && !(isObject(value) && Object.keys(value).length === 0);
}
