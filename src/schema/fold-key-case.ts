// createOptions keys whose case differs from the documented one (`runtime` for `Runtime`,
// `hostconfig`): edgeAgent's Newtonsoft.Json and Docker's Go encoding/json both match member
// names without regard to case, so they work. The schema knows only the documented spelling,
// so each such key is renamed on a copy and the copy validated again, until no pass finds
// another: what sits under the key is still checked, and the findings point at the key as written.
// Facts: Newtonsoft.Json binds a property by exact name, then ignoring case; encoding/json
// Unmarshal "preferring an exact match but also accepting a case-insensitive match".
import type { ErrorObject } from 'ajv';
import type { CompiledValidator } from './compiled/detailed.js';
import { appendPointer, parsePointer, toPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';

export interface KeyRename {
  /** Pointer (relative to the validated value, in written spelling) of the key as written. */
  pointer: string;
  written: string;
  known: string;
  /** True where the documented spelling is not the only usual one (k8s-experimental's camelCase names). */
  quiet: boolean;
}

export interface FoldedValidation {
  errors: ErrorObject[];
  renames: KeyRename[];
}

/** Deepest key nesting in the createOptions schema (HostConfig/Mounts/#/BindOptions/Propagation) plus slack. */
const MAX_PASSES = 8;

/**
 * Keys under `k8s-experimental` are Kubernetes names that IoT Edge on Kubernetes matches without
 * regard to case and that Microsoft's Azure Stack Edge docs write in camelCase (serviceOptions):
 * they are folded, but not worth a note.
 */
const QUIET_SECTIONS = new Set(['k8s-experimental']);

/**
 * Validates `value`, folding the case of keys that `inScope` accepts (by their written pointer
 * relative to `value`). Error paths are returned in the written spelling.
 */
export function validateFoldingKeyCase(validator: CompiledValidator, value: unknown, inScope: (pointer: string) => boolean): FoldedValidation {
  let current = value;
  // Renames by canonical parent pointer, so canonical paths can be turned back into written ones.
  const renames: (KeyRename & { canonicalParent: string })[] = [];
  for (let pass = 0; ; pass++) {
    validator(current);
    const errors = validator.errors ?? [];
    const found = pass < MAX_PASSES ? caseOnlyKeys(errors, inScope, (pointer) => toWritten(pointer, renames)) : [];
    if (found.length === 0) {
      const written = errors.map((error) => ({ ...error, instancePath: toWritten(error.instancePath, renames) }));
      return { errors: written, renames: renames.map(({ canonicalParent: _, ...rename }) => rename) };
    }
    for (const { parent, written, known } of found) {
      current = renamed(current, parsePointer(parent), written, known);
      const writtenParent = toWritten(parent, renames);
      const segments = parsePointer(writtenParent);
      renames.push({ canonicalParent: parent, pointer: appendPointer(writtenParent, written), written, known, quiet: segments.some((segment) => QUIET_SECTIONS.has(segment)) });
    }
  }
}

interface CaseOnlyKey {
  parent: string;
  written: string;
  known: string;
}

/** additionalProperties errors for a key that matches a known key in all but case, with the known key absent. */
function caseOnlyKeys(errors: readonly ErrorObject[], inScope: (pointer: string) => boolean, toWrittenPointer: (pointer: string) => string): CaseOnlyKey[] {
  const found: CaseOnlyKey[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    if (error.keyword !== 'additionalProperties') continue;
    const written = String(error.params.additionalProperty);
    const properties = (error.parentSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
    const lower = written.toLowerCase();
    const matches = Object.keys(properties).filter((key) => key.toLowerCase() === lower);
    if (matches.length !== 1) continue;
    const known = matches[0]!;
    // With the documented key present too, both set the same field: that stays a warning.
    if (!isPlainObject(error.data) || Object.hasOwn(error.data, known)) continue;
    if (!inScope(appendPointer(toWrittenPointer(error.instancePath), written))) continue;
    const id = `${error.instancePath}\u0000${written}`;
    if (seen.has(id)) continue; // anyOf branches can repeat an error
    seen.add(id);
    found.push({ parent: error.instancePath, written, known });
  }
  return found;
}

/** A copy of `root` with the key at `path` renamed; only the objects along the path are copied. */
function renamed(root: unknown, path: readonly string[], written: string, known: string): unknown {
  if (path.length === 0) {
    if (!isPlainObject(root)) return root;
    // Keep the key order, so later findings come out in document order.
    const copy: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(root)) Object.defineProperty(copy, key === written ? known : key, { value: child, enumerable: true, writable: true, configurable: true });
    return copy;
  }
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(root)) {
    const copy = [...root];
    copy[Number(head)] = renamed(root[Number(head)], rest, written, known);
    return copy;
  }
  if (!isPlainObject(root)) return root;
  return { ...root, [head]: renamed(root[head], rest, written, known) };
}

/** Turns a pointer into the renamed copy back into the spelling the file uses. */
function toWritten(pointer: string, renames: readonly { canonicalParent: string; written: string; known: string }[]): string {
  if (renames.length === 0 || pointer === '') return pointer;
  const canonical: string[] = [];
  const written: string[] = [];
  for (const segment of parsePointer(pointer)) {
    const parent = toPointer(canonical);
    const rename = renames.find((entry) => entry.canonicalParent === parent && entry.known === segment);
    canonical.push(segment);
    written.push(rename ? rename.written : segment);
  }
  return toPointer(written);
}
