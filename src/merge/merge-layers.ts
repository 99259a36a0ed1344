// Computes the manifest a device receives from a standard (base) deployment and layered
// deployments. Pure: values in, value out.
//
// Rules, with their sources:
// 1. The base is a standard deployment: it carries $edgeAgent and $edgeHub in full. "The system
//    runtime modules, edgeAgent and edgeHub, are not configured as part of a layered deployment.
//    Any IoT Edge device targeted by a layered deployment needs a standard automatic deployment
//    applied to it first" (MS Learn, module-deployment-monitoring, "Layered deployment").
// 2. Layers apply in ascending priority, after the base: "if two layered deployments have a module
//    or a route with the same name, the layered deployment with the higher priority will be
//    applied while the lower priority is overwritten" (same page). "Any layered deployments
//    targeting a device must have a higher priority than the automatic deployment" (same page),
//    so the base always comes first.
// 3. A layer writes flattened keys: "properties.desired.modules.<name>" under $edgeAgent,
//    "properties.desired.routes.<name>" under $edgeHub; "It may not contain system modules" and
//    "Must use the 'dot notation' under $edgeAgent and $edgeHub" (MS Learn,
//    how-to-deploy-cli-at-scale). A layer that breaks these is refused with the reason.
// 4. Each flattened key replaces the value at its path; "properties.desired" on a module twin
//    replaces that twin's desired properties (apply-twin-section.ts has the quotes).
// 5. Equal priorities: for standard deployments "the most recently created deployment
//    (determined by the creation timestamp) applies" (module-deployment-monitoring, "Priority").
//    Files have no creation time, so edgewise applies equal-priority layers in the order given
//    and warns (inference; Azure/iotedge#6685 shows devices misbehaving with equal priorities).
// 6. A flattened key that names __proto__, constructor or prototype is refused, naming the file
//    (apply-twin-section.ts); twin names, which are the user's keys, stay own entries.
import { ownValue, setOwn, UnsafePathError } from '../manifest/json-pointer.js';
import { InputError } from '../errors.js';
import { isPlainObject, locateModulesContent } from '../manifest/manifest-shape.js';
import { applyTwinSection } from './apply-twin-section.js';
import { effectiveTwins, inTwin } from './effective-twins.js';
import { DESIRED_KEY, desiredPathOfKey } from './flattened-key.js';

export interface DeploymentInput {
  /** Display name, for messages. */
  file: string;
  value: unknown;
}

export interface LayerInput extends DeploymentInput {
  priority: number;
}

export interface MergeResult {
  /** The base document (wrapper and all) with every twin's effective desired properties. */
  value: unknown;
  /** Layers in the order they were applied. */
  applied: LayerInput[];
  warnings: string[];
}

const SYSTEM_TWINS = new Set(['$edgeAgent', '$edgeHub']);

export function mergeLayers(base: DeploymentInput, layers: readonly LayerInput[]): MergeResult {
  const located = locateModulesContent(base.value);
  const agent = located.modulesContent?.$edgeAgent;
  if (!located.modulesContent) throw new InputError(`${base.file}: not a deployment manifest; the base must be a standard deployment with modulesContent.$edgeAgent["properties.desired"]`);
  if (!isPlainObject(agent) || !isPlainObject(agent[DESIRED_KEY])) {
    throw new InputError(
      `${base.file}: the base has no $edgeAgent "properties.desired", so it is not a standard deployment; layered deployments only add to one. Pass the standard deployment first, then the layers`,
    );
  }
  const twins = inFile(base.file, () => effectiveTwins(located.modulesContent));
  const applied = layers.map((layer, index) => ({ layer, index })).sort((a, b) => a.layer.priority - b.layer.priority || a.index - b.index);
  const warnings: string[] = [];
  for (let i = 1; i < applied.length; i++) {
    const previous = applied[i - 1]!.layer;
    const current = applied[i]!.layer;
    if (previous.priority === current.priority) {
      warnings.push(
        `${previous.file} and ${current.file} have the same priority ${current.priority}; IoT Hub breaks such ties by creation time, which files do not have, so ${current.file} was applied last. Give them different priorities`,
      );
    }
  }
  for (const { layer } of applied) {
    const content = layerModulesContent(layer);
    for (const [twin, section] of Object.entries(content)) {
      if (!isPlainObject(section)) continue;
      if (SYSTEM_TWINS.has(twin)) checkSystemSection(layer.file, twin, section);
      twins.set(twin, inFile(layer.file, () => inTwin(twin, () => applyTwinSection(twins.get(twin), section))));
    }
  }
  return { value: writeTwins(base.value, twins), applied: applied.map(({ layer }) => layer), warnings };
}

/** A refused path, as a usage error that names the file. */
function inFile<T>(file: string, apply: () => T): T {
  try {
    return apply();
  } catch (error) {
    if (error instanceof UnsafePathError) throw new InputError(`${file}: ${error.message}`);
    throw error;
  }
}

function layerModulesContent(layer: LayerInput): Record<string, unknown> {
  const located = locateModulesContent(layer.value);
  if (!located.modulesContent) throw new InputError(`${layer.file}: not a layered deployment; expected {"modulesContent": {…}} (or {"content": {"modulesContent": {…}}})`);
  return located.modulesContent;
}

function checkSystemSection(file: string, twin: string, section: Record<string, unknown>): void {
  for (const key of Object.keys(section)) {
    const path = desiredPathOfKey(key);
    if (path === undefined) continue;
    if (path.length === 0) {
      throw new InputError(
        `${file}: ${twin} sets "properties.desired" as a whole, which a layered deployment cannot do (it would replace the base's runtime and system modules). Use flattened keys such as "properties.desired.${twin === '$edgeAgent' ? 'modules' : 'routes'}.<name>"`,
      );
    }
    if (twin === '$edgeAgent' && path[0] === 'systemModules') {
      throw new InputError(`${file}: "${key}" configures a system module; layered deployments may not contain system modules. Move it to the base deployment`);
    }
  }
}

/** A copy of the base document whose twins hold the given desired properties, in full form. */
function writeTwins(baseValue: unknown, twins: Map<string, Record<string, unknown>>): unknown {
  const result = structuredClone(baseValue);
  const content = locateModulesContent(result).modulesContent!;
  for (const [twin, desired] of twins) {
    const section = ownValue(content, twin);
    if (isPlainObject(section)) {
      for (const key of Object.keys(section)) if (desiredPathOfKey(key) !== undefined) delete section[key];
      section[DESIRED_KEY] = desired;
    } else {
      setOwn(content, twin, { [DESIRED_KEY]: desired });
    }
  }
  return result;
}
