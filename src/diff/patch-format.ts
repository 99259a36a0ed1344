// The RFC 6902 patch format. Its operations apply to A's file as written (raw-patch.ts says
// why). Unless secrets are shown, secret values are masked like everywhere else, which makes
// those operations write "****": `masked` tells the caller to warn.
import { getAtPointer, parsePointer } from '../manifest/json-pointer.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import { maskSecrets } from '../manifest/secrets.js';
import { isCreateOptionsKey } from './create-options-keys.js';
import type { Operation } from './json-patch-library.js';
import type { RawPatch } from './raw-patch.js';
import { isSecretName, isSecretPath, MASK, maskValue, secretsByPlace } from './secret-masking.js';

export function formatDiffPatch(patch: RawPatch, secrets: readonly string[], showSecrets: boolean): { text: string; masked: boolean } {
  const plain = `${JSON.stringify(patch.operations, null, 2)}\n`;
  if (showSecrets) return { text: plain, masked: false };
  const operations = patch.operations.map((operation) => maskOperation(operation, patch.target, secrets));
  const text = maskSecrets(`${JSON.stringify(operations, null, 2)}\n`, secrets);
  return { text, masked: text !== plain };
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
