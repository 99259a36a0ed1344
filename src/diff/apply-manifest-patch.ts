// Applies an RFC 6902 JSON Patch to a manifest document (the file as written, as `edgewise diff
// --format patch` produces). A patch that is malformed or does not apply is a usage error that
// names the operation. Operations are applied one at a time because fast-json-patch reports
// index 0 for any failing operation when it validates against a document; and only the first
// line of its message is kept, since the rest dumps the document, which may hold secrets.
// A patch that writes the secret mask "****" (diff output made without --show-secrets) is
// refused before anything is applied, and so is an operation the library would apply wrongly
// (patch-operation-checks.ts) or crash on (refuseUnresolvable).
import { getAtPointer } from '../manifest/json-pointer.js';
import { InputError } from '../errors.js';
import { applyOperation, JsonPatchError, validate, type Operation } from './json-patch-library.js';
import { MASKED_SECRET_HARM, maskedValuePointers } from '../manifest/masked-secret-values.js';
import { refuseInheritedKeys, refuseUnknownOperations, refuseUnsafeOperation } from './patch-operation-checks.js';

export function applyManifestPatch(document: unknown, operations: unknown, patchFile: string): unknown {
  if (!Array.isArray(operations)) {
    throw new InputError(`${patchFile}: not a JSON Patch; RFC 6902 patches are JSON arrays of operations such as [{"op": "replace", "path": "/modulesContent/…", "value": …}]`);
  }
  refuseUnknownOperations(operations, patchFile);
  const malformed = validate(operations as Operation[]);
  if (malformed) throw failure(patchFile, operations, malformed.index, malformed);
  (operations as Operation[]).forEach((operation, index) => refuseUnsafeOperation(operation, index, patchFile));
  refuseMaskedValues(document, operations as Operation[], patchFile);
  let target = structuredClone(document ?? {});
  operations.forEach((operation: Operation, index) => {
    refuseInheritedKeys(target, operation, index, patchFile);
    refuseUnresolvable(target, operation, index, operations, patchFile);
    try {
      target = applyOperation(target, operation, true, true, true, index).newDocument;
    } catch (error) {
      if (error instanceof JsonPatchError) throw failure(patchFile, operations, index, error);
      throw error;
    }
  });
  return target;
}

/**
 * What fast-json-patch would crash on rather than refuse: a path into a document that is no
 * object or list (a YAML file holding only null, say), and a move or copy whose "from" is missing
 * when "path" is the whole document (the library checks "from" only for other paths).
 */
function refuseUnresolvable(target: unknown, operation: Operation, index: number, operations: unknown[], patchFile: string): void {
  if (operation.path !== '' && (target === null || typeof target !== 'object')) {
    throw failure(patchFile, operations, index, new Error(`the manifest is ${target === null ? 'null' : `a ${typeof target}`}, not an object, so ${operation.path} does not exist`));
  }
  if ((operation.op === 'move' || operation.op === 'copy') && getAtPointer(target, operation.from) === undefined) {
    throw failure(patchFile, operations, index, new Error(`"from" ${operation.from || '""'} does not exist`));
  }
}

/** Operations that write "****" where the manifest does not already hold that very string. */
function refuseMaskedValues(document: unknown, operations: readonly Operation[], patchFile: string): void {
  const masked = operations.flatMap((operation, index) => {
    if (operation.op !== 'add' && operation.op !== 'replace') return [];
    return maskedValuePointers(operation.value, operation.path)
      .filter((pointer) => getAtPointer(document, pointer) !== getAtPointer(operation.value, pointer.slice(operation.path.length)))
      .map((pointer) => ({ index, operation, pointer }));
  });
  const [first] = masked;
  if (!first) return;
  const more = masked.length > 1 ? ` (and ${masked.length - 1} more value${masked.length === 2 ? '' : 's'})` : '';
  const at = first.pointer === first.operation.path ? '' : ` at ${first.pointer}`;
  throw new InputError(`${patchFile}: operation ${first.index + 1} (${first.operation.op} ${first.operation.path}) writes a masked secret${at}${more}; ${MASKED_SECRET_HARM}. Make the patch with \`edgewise diff -f patch --show-secrets\`, or put the real value in it`);
}

function failure(patchFile: string, operations: unknown[], index: number | undefined, error: Error): InputError {
  const operation = index === undefined ? undefined : (operations[index] as { op?: unknown; path?: unknown } | undefined);
  const which = operation !== undefined && index !== undefined ? `operation ${index + 1} (${String(operation.op)} ${String(operation.path)})` : 'the patch';
  return new InputError(`${patchFile}: ${which} does not apply: ${error.message.split('\n')[0]}. Check that the patch was made for this manifest`);
}
