// Edits a twin section (modulesContent.<twin>) in place so that one path of its *effective*
// desired properties changes, whatever the layout: full form ("properties.desired": {…}),
// flattened keys ("properties.desired.modules.filter"), or a mix. The rules mirror
// apply-twin-section.ts: the most specific key that covers a path decides its value.
import { isPlainObject } from '../manifest/manifest-shape.js';
import { setAtPath } from '../merge/apply-twin-section.js';
import { DESIRED_KEY, desiredPathOfKey, isPathPrefix, keyOfDesiredPath } from '../merge/flattened-key.js';

type Section = Record<string, unknown>;

function desiredKeys(section: Section): { key: string; path: string[] }[] {
  const keys: { key: string; path: string[] }[] = [];
  for (const key of Object.keys(section)) {
    const path = desiredPathOfKey(key);
    if (path !== undefined) keys.push({ key, path });
  }
  return keys;
}

/** Removes every place in the section that defines `path` or anything under it. */
export function removeDesiredPath(section: Section, path: readonly string[]): void {
  for (const { key, path: keyPath } of desiredKeys(section)) {
    if (isPathPrefix(path, keyPath)) {
      delete section[key];
    } else if (isPathPrefix(keyPath, path)) {
      let node: unknown = section[key];
      const rest = path.slice(keyPath.length);
      for (const segment of rest.slice(0, -1)) node = isPlainObject(node) ? node[segment] : undefined;
      if (isPlainObject(node)) delete node[rest[rest.length - 1]!];
    }
  }
}

/** Whether a section is written as a layered deployment writes it: flattened keys only. */
export function isLayeredSection(section: Section): boolean {
  const keys = desiredKeys(section);
  return keys.length > 0 && keys.every((entry) => entry.path.length > 0);
}

/**
 * Writes a value so that the effective desired value at `path` becomes it. `layered`: where no key
 * covers the path yet, add a flattened key rather than a "properties.desired" object.
 */
export function writeDesiredPath(section: Section, path: readonly string[], value: unknown, layered: boolean): void {
  const keys = desiredKeys(section);
  // Deeper flattened keys would override what is written here.
  for (const { key, path: keyPath } of keys) if (keyPath.length > path.length && isPathPrefix(path, keyPath)) delete section[key];
  let best: { key: string; path: string[] } | undefined;
  for (const entry of keys) {
    if (entry.path.length <= path.length && isPathPrefix(entry.path, path) && (!best || entry.path.length > best.path.length)) best = entry;
  }
  if (!best) {
    // Nothing covers the path yet: follow the section's style.
    if (layered && path.length > 0) {
      section[keyOfDesiredPath(path)] = value;
      return;
    }
    best = { key: DESIRED_KEY, path: [] };
  }
  if (best.path.length === path.length) {
    section[best.key] = value;
    return;
  }
  if (!isPlainObject(section[best.key])) section[best.key] = {};
  setAtPath(section[best.key] as Section, path.slice(best.path.length), value);
}
