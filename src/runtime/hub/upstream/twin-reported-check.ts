// What the hub accepts in a client's reported-properties patch, checked before it is stored, as
// edgeHub checks it (Azure/iotedge ReportedPropertiesValidator.cs, its limits "taken from IoT
// Hub"; docs/FACTS.md §1 limits): property names of at most 1024 bytes without control
// characters, white space, '.', '$' or '#'; nesting of at most 10 levels; strings of at most
// 4096 bytes; integers within ±2^52; no null inside arrays; the patch at most 32 KB of JSON.
// Offline, a patch the cloud would refuse later must be refused now: the client still hears it.
import { isPlainObject, type Json } from './twin-patches.js';

const MAX_DEPTH = 10;
const MAX_NAME_BYTES = 1024;
const MAX_VALUE_BYTES = 4096;
const MAX_SAFE = 4503599627370495;
const MIN_SAFE = -4503599627370496;
const MAX_PATCH_BYTES = 32 * 1024;
const BAD_NAME_CHARACTER = /[\p{Cc}\s.$#]/u;

/** The reason a patch is refused, or undefined when it is acceptable. */
export function reportedPatchProblem(patch: Json): string | undefined {
  const size = Buffer.byteLength(JSON.stringify(patch), 'utf8');
  if (size > MAX_PATCH_BYTES) return `Twin properties size ${size} exceeds maximum ${MAX_PATCH_BYTES}`;
  return objectProblem(patch, 0);
}

function objectProblem(object: Json, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return `Nested depth of twin property exceeds ${MAX_DEPTH}`;
  for (const [name, value] of Object.entries(object)) {
    const problem = nameProblem(name) ?? valueProblem(name, value, depth + 1, false);
    if (problem) return problem;
  }
  return undefined;
}

function nameProblem(name: string): string | undefined {
  if (Buffer.byteLength(name, 'utf8') > MAX_NAME_BYTES) return `Length of property name ${name.slice(0, 10)}.. exceeds maximum length of ${MAX_NAME_BYTES}`;
  const bad = BAD_NAME_CHARACTER.exec(name);
  return bad ? `Property name ${name} contains invalid character ${JSON.stringify(bad[0])}` : undefined;
}

function valueProblem(name: string, value: unknown, depth: number, inArray: boolean): string | undefined {
  if (value === null) return inArray ? `Property ${name} of an object in an array cannot be 'null'` : undefined;
  if (Array.isArray(value)) {
    if (depth > MAX_DEPTH) return `Nested depth of twin property exceeds ${MAX_DEPTH}`;
    for (const item of value) {
      if (item === null) return "Arrays cannot contain 'null' as value";
      const problem = valueProblem(name, item, depth + 1, true);
      if (problem) return problem;
    }
    return undefined;
  }
  if (isPlainObject(value)) {
    if (depth > MAX_DEPTH) return `Nested depth of twin property exceeds ${MAX_DEPTH}`;
    for (const [member, inner] of Object.entries(value)) {
      const problem = nameProblem(member) ?? valueProblem(member, inner, depth + 1, inArray);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return `Property ${name} has a value of unsupported type. Valid types are integer, float, string, bool, null and nested object`;
    if (Number.isInteger(value) && (value > MAX_SAFE || value < MIN_SAFE)) return `Property ${name} has an out of bound value. Valid values are between ${MIN_SAFE} and ${MAX_SAFE}`;
    return undefined;
  }
  if (typeof value === 'string') {
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes > MAX_VALUE_BYTES ? `Value associated with property name ${name} has length ${bytes} that exceeds maximum length of ${MAX_VALUE_BYTES}` : undefined;
  }
  if (typeof value === 'boolean') return undefined;
  return `Property ${name} has a value of unsupported type. Valid types are integer, float, string, bool, null and nested object`;
}
