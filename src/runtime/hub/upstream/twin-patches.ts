// Twin properties as JSON patches, the way IoT Hub reads them (docs/FACTS.md §4, §9 "Twins"):
// members merge level by level and a null removes a member. Pure functions, no I/O: applying a
// patch, merging two patches into one that has the same effect, and the patch that turns one set
// of properties into another (what the hub pushes after a gap in desired versions).

export type Json = Record<string, unknown>;

/** Members IoT Hub keeps for itself at a section's top level; never part of a patch's content. */
const READ_ONLY = new Set(['$version', '$metadata']);

export function isPlainObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) && !Buffer.isBuffer(value);
}

/** The patch without its top-level `$version` / `$metadata`. */
export function patchContent(patch: Json): Json {
  return Object.fromEntries(Object.entries(patch).filter(([key]) => !READ_ONLY.has(key)));
}

/** Properties after a patch: members added or replaced, nulls removed, objects merged. */
export function applyPatch(properties: Json, patch: Json): Json {
  const result = structuredClone(properties);
  applyLevel(result, patchContent(patch));
  return result;
}

function applyLevel(target: Json, patch: Json): void {
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) {
      delete target[key];
    } else if (isPlainObject(value)) {
      if (!isPlainObject(own(target, key))) setOwn(target, key, {});
      applyLevel(own(target, key) as Json, value);
    } else {
      setOwn(target, key, structuredClone(value));
    }
  }
}

/**
 * One patch with the effect of `older` then `newer`, nulls kept (they must still reach the cloud),
 * or undefined when no single patch has it: where `older` sets a member to a value that is not an
 * object (null included) and `newer` then patches it as an object, the cloud would merge `newer`
 * into the member it still holds instead of into a fresh one.
 */
export function mergePatches(older: Json, newer: Json): Json | undefined {
  const merged = structuredClone(patchContent(older));
  return mergeLevel(merged, patchContent(newer)) ? merged : undefined;
}

function mergeLevel(target: Json, patch: Json): boolean {
  for (const [key, value] of Object.entries(patch)) {
    if (isPlainObject(value) && Object.hasOwn(target, key)) {
      const current = target[key];
      if (!isPlainObject(current)) return false;
      if (!mergeLevel(current, value)) return false;
    } else {
      setOwn(target, key, structuredClone(value));
    }
  }
  return true;
}

/** The patch that turns `from` into `to` (removed members as nulls); empty when they are equal. */
export function diffProperties(from: Json, to: Json): Json {
  const patch: Json = {};
  const source = patchContent(from);
  const target = patchContent(to);
  for (const key of Object.keys(source)) {
    if (!Object.hasOwn(target, key)) setOwn(patch, key, null);
  }
  for (const [key, value] of Object.entries(target)) {
    const before = own(source, key);
    if (isPlainObject(value) && isPlainObject(before)) {
      const inner = diffProperties(before, value);
      if (Object.keys(inner).length > 0) setOwn(patch, key, inner);
    } else if (!sameJson(before, value)) {
      setOwn(patch, key, structuredClone(value));
    }
  }
  return patch;
}

// Members are read and written as own data properties only: a client's `__proto__` or
// `constructor` key stays a plain member and never reaches a prototype.
function own(target: Json, key: string): unknown {
  return Object.hasOwn(target, key) ? target[key] : undefined;
}

function setOwn(target: Json, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

function sameJson(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) return left.length === right.length && left.every((item, index) => sameJson(item, right[index]));
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return keys.length === Object.keys(right).length && keys.every((key) => Object.hasOwn(right, key) && sameJson(left[key], right[key]));
  }
  return false;
}
