// Applies an RFC 6902 JSON Patch to a manifest document (the file as written, as `edgewise diff
// --format patch` produces). A patch that is malformed or does not apply is a usage error that
// names the operation. Operations are applied one at a time because fast-json-patch reports
// index 0 for any failing operation when it validates against a document; and only the first
// line of its message is kept, since the rest dumps the document, which may hold secrets.
import { InputError } from '../manifest/read-inputs.js';
import { applyOperation, JsonPatchError, validate, type Operation } from './json-patch-library.js';

export function applyManifestPatch(document: unknown, operations: unknown, patchFile: string): unknown {
  if (!Array.isArray(operations)) {
    throw new InputError(`${patchFile}: not a JSON Patch; RFC 6902 patches are JSON arrays of operations such as [{"op": "replace", "path": "/modulesContent/…", "value": …}]`);
  }
  const malformed = validate(operations as Operation[]);
  if (malformed) throw failure(patchFile, operations, malformed.index, malformed);
  let target = structuredClone(document ?? {});
  operations.forEach((operation: Operation, index) => {
    try {
      target = applyOperation(target, operation, true, true, true, index).newDocument;
    } catch (error) {
      if (error instanceof JsonPatchError) throw failure(patchFile, operations, index, error);
      throw error;
    }
  });
  return target;
}

function failure(patchFile: string, operations: unknown[], index: number | undefined, error: Error): InputError {
  const operation = index === undefined ? undefined : (operations[index] as { op?: unknown; path?: unknown } | undefined);
  const which = operation !== undefined && index !== undefined ? `operation ${index + 1} (${String(operation.op)} ${String(operation.path)})` : 'the patch';
  return new InputError(`${patchFile}: ${which} does not apply: ${error.message.split('\n')[0]}. Check that the patch was made for this manifest`);
}
