// Applies one deployment's section for one twin (modulesContent.<twin>) to desired properties,
// the way IoT Hub combines a standard deployment with layered ones:
// - "properties.desired" replaces the twin's desired properties as a whole ("If you do set the
//   properties.desired field of the module twin in a layered deployment, it will overwrite the
//   desired properties for that module in any lower priority deployments" — MS Learn,
//   module-deployment-monitoring, "Module twin configuration");
// - "properties.desired.a.b" replaces the value at desired.a.b and keeps its siblings
//   ("properties.desired.layeredProperties" adds a subsection without overwriting; the same can be
//   written "properties.desired.layeredProperties.SendData" — how-to-deploy-cli-at-scale).
// Within one section the whole-object key goes first, then flattened keys from shallow to deep,
// so the more specific key wins (inference: IoT Hub does not document the order within a file).
// A flattened key that names __proto__, constructor or prototype is refused (json-pointer.ts says why).
import { prototypeKeyIn, setAtPath as setAtKeyPath, UnsafePathError } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { desiredPathOfKey } from './flattened-key.js';

export type Desired = Record<string, unknown>;

/** Returns new desired properties; neither argument is changed. */
export function applyTwinSection(desired: Desired | undefined, section: Record<string, unknown>): Desired {
  let result: Desired = desired ? structuredClone(desired) : {};
  const flattened: { path: string[]; value: unknown }[] = [];
  for (const [key, value] of Object.entries(section)) {
    const path = desiredPathOfKey(key);
    if (path === undefined) continue;
    const unsafe = prototypeKeyIn(path);
    if (unsafe !== undefined) throw unsafeKey(key, unsafe);
    if (path.length === 0) result = isPlainObject(value) ? structuredClone(value) : {};
    else flattened.push({ path, value });
  }
  flattened.sort((a, b) => a.path.length - b.path.length); // stable: file order among equals
  for (const { path, value } of flattened) setAtPath(result, path, structuredClone(value));
  return result;
}

/** The desired properties one twin section describes on its own. */
export function desiredOfSection(section: Record<string, unknown>): Desired {
  return applyTwinSection(undefined, section);
}

/** Sets a value at a desired-properties path, turning missing or non-object steps (lists too: twin paths have no indexes) into objects. */
export function setAtPath(root: Desired, path: readonly string[], value: unknown): void {
  setAtKeyPath(root, path, value, { arrays: 'replace' });
}

function unsafeKey(key: string, segment: string): UnsafePathError {
  return new UnsafePathError(
    `"${key}" names ${segment}; a twin path must not name __proto__, constructor or prototype, which in JavaScript reach the prototype shared by every object rather than the twin, so edgewise cannot merge it faithfully. Rename the property`,
    segment,
  );
}
