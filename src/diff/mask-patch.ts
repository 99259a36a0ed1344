// The operations of a patch with secret values masked, as every printed patch has them unless
// secrets are to be shown. Those operations then write "****" where a secret was (raw-patch.ts
// says why the operations apply to A's file as written).
import { getAtPointer, parsePointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { maskSecrets } from '../manifest/secrets.js';
import { isCreateOptionsKey } from './create-options-keys.js';
import type { Operation } from './json-patch-library.js';
import type { RawPatch } from './raw-patch.js';
import { isSecretName, isSecretPath, MASK, maskValue, secretsByPlace } from './secret-masking.js';

export function maskPatchOperations(patch: RawPatch, secrets: readonly string[]): Operation[] {
  return patch.operations.map((operation) => maskOperation(operation, patch.target, secrets));
}

function maskOperation(operation: Operation, target: unknown, secrets: readonly string[]): Operation {
  if (!('value' in operation)) return operation;
  const segments = parsePointer(operation.path);
  const last = segments[segments.length - 1] ?? '';
  const value: unknown = operation.value;
  if (isSecretPath(segments) && (value === null || typeof value !== 'object')) return { ...operation, value: MASK } as Operation;
  // A createOptions chunk may hold part of a secret that no single chunk shows whole.
  if (typeof value === 'string' && isCreateOptionsKey(last) && chunksHoldSecret(getAtPointer(target, operation.path.slice(0, operation.path.lastIndexOf('/'))), secrets)) {
    return { ...operation, value: MASK } as Operation;
  }
  return { ...operation, value: maskValue(value, secrets, isSecretName(last), last) } as Operation;
}

function chunksHoldSecret(settings: unknown, secrets: readonly string[]): boolean {
  if (!isPlainObject(settings)) return false;
  const chunks = Object.keys(settings).filter((key) => isCreateOptionsKey(key)).sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const joined = chunks.map((key) => settings[key]).filter((chunk) => typeof chunk === 'string').join('');
  if (maskSecrets(joined, secrets) !== joined) return true;
  try {
    return secretsByPlace(JSON.parse(joined)).size > 0;
  } catch {
    return false;
  }
}
