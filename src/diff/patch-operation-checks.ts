// The RFC 6902 operations edgewise refuses before fast-json-patch sees them, because the library
// would crash on them or apply them wrongly; each refusal is a usage error naming the operation:
// - an operation that is not an object, or whose "op" is not one of RFC 6902's six (the library
//   looks "op" up in an object, so "toString" or its internal "_get" would pass);
// - a `from` that is not a JSON Pointer (the library checks `path` only);
// - a path naming __proto__, constructor or prototype (json-pointer.ts says why);
// - a move into the moved value's own child, which RFC 6902 section 4.4 does not allow;
// - a path through a name every JavaScript object inherits (toString, valueOf…), which the
//   library would take for a key of the manifest.
import { parsePointer, prototypeKeyIn, toPointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { InputError } from '../errors.js';
import type { Operation } from './json-patch-library.js';

/** RFC 6902 section 4: the only operations there are. */
const RFC_6902_OPS: readonly string[] = ['add', 'remove', 'replace', 'move', 'copy', 'test'];

export function refuseUnknownOperations(operations: readonly unknown[], patchFile: string): void {
  operations.forEach((operation, index) => {
    if (!isPlainObject(operation)) {
      throw new InputError(`${patchFile}: operation ${index + 1} is not an object; each RFC 6902 operation is an object such as {"op": "remove", "path": "/modulesContent/…"}`);
    }
    if (typeof operation.op === 'string' && RFC_6902_OPS.includes(operation.op)) return;
    const op = operation.op === undefined ? 'no "op"' : `"op": ${JSON.stringify(operation.op)}`;
    throw new InputError(`${patchFile}: operation ${index + 1} has ${op}; RFC 6902 operations are ${RFC_6902_OPS.join(', ')}`);
  });
}

export function refuseUnsafeOperation(operation: Operation, index: number, patchFile: string): void {
  const which = `${patchFile}: operation ${index + 1} (${operation.op} ${operation.path})`;
  const from = operation.op === 'move' || operation.op === 'copy' ? operation.from : undefined;
  for (const pointer of from === undefined ? [operation.path] : [operation.path, from]) {
    // fast-json-patch checks that `path` starts with "/" but not `from`.
    if (pointer !== '' && !pointer.startsWith('/')) throw new InputError(`${which}: ${pointer} is not a JSON Pointer; RFC 6901 pointers are "" (the whole document) or start with "/"`);
    const segment = prototypeKeyIn(parsePointer(pointer));
    if (segment === undefined) continue;
    throw new InputError(
      `${which}: patch path ${pointer} is not allowed: it names ${segment}, which in JavaScript reaches the prototype shared by every object rather than a key of the manifest (JSON Patch RFC 6902 paths must not name __proto__, constructor or prototype here). Remove the operation, or rename the property`,
    );
  }
  if (operation.op === 'move' && operation.path.startsWith(`${operation.from}/`)) {
    const moved = operation.from === '' ? 'the whole document' : operation.from;
    throw new InputError(`${which}: moves ${moved} into its own child ${operation.path}, which RFC 6902 (section 4.4) does not allow. Copy the value there, then remove or replace ${moved}`);
  }
}

/**
 * An operation whose path goes through a key the document does not have but every object
 * inherits ("toString"): fast-json-patch would find it, copy or remove a function, or report
 * success. The last step of an add (or of a move's or copy's target) is a new key, so it is free.
 */
export function refuseInheritedKeys(document: unknown, operation: Operation, index: number, patchFile: string): void {
  const checks: { pointer: string; last: boolean }[] = [{ pointer: operation.path, last: operation.op !== 'add' && operation.op !== 'move' && operation.op !== 'copy' }];
  if (operation.op === 'move' || operation.op === 'copy') checks.push({ pointer: operation.from, last: true });
  for (const { pointer, last } of checks) {
    const segments = parsePointer(pointer);
    let node: unknown = document;
    for (const [step, segment] of segments.entries()) {
      if (step === segments.length - 1 && !last) break;
      if (!isPlainObject(node)) break; // arrays and scalars: the library checks indexes itself
      if (!Object.prototype.hasOwnProperty.call(node, segment)) {
        if (segment in node) {
          throw new InputError(`${patchFile}: operation ${index + 1} (${operation.op} ${operation.path}) does not apply: ${toPointer(segments.slice(0, step)) || 'the document'} has no key "${segment}". Check that the patch was made for this manifest`);
        }
        break;
      }
      node = node[segment];
    }
  }
}
