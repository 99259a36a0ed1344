// Keeps secrets out of every diff format. Two nets:
// - by place: a value under a secret name (a registry password, an env var or twin property
//   named as isSecretName says, a createOptions "Env" entry "NAME=value") is masked, and a
//   changed one shows as "(changed)";
// - by value: any string holding a known secret value (collectSecrets, plus the values found by
//   place) is masked wherever it appears, e.g. inside a connection string, by the same masking
//   every other output uses (secrets.ts).
import { isSecretName, MASK, maskableSecrets, maskSecrets, secretsIn } from '../manifest/secrets.js';

export { isSecretName, maskableSecrets, MASK };

/** Whether a pointer's last step names a secret (…/password, …/env/DB_PASSWORD, …/env/X_KEY/value). */
export function isSecretPath(segments: readonly string[]): boolean {
  const last = segments[segments.length - 1];
  if (last === undefined) return false;
  if (last === 'value' && segments[segments.length - 3] === 'env') return isSecretName(segments[segments.length - 2]!);
  return isSecretName(last);
}

/** A copy of a value with secrets masked, by place and by value. */
export function maskValue(value: unknown, secrets: readonly string[], secretPlace = false, key?: string): unknown {
  if (typeof value === 'string') return secretPlace ? MASK : maskSecrets(value, secrets);
  if (typeof value === 'number') return secretPlace ? MASK : value;
  if (Array.isArray(value)) {
    if (key === 'Env') return value.map((entry) => (typeof entry === 'string' ? maskEnvEntry(entry, secrets) : maskValue(entry, secrets, secretPlace)));
    return value.map((entry) => maskValue(entry, secrets, secretPlace));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, entry]) => [name, maskValue(entry, secrets, secretPlace || isSecretName(name), name)]));
  }
  return value;
}

/** Docker's createOptions Env entries are "NAME=value". */
function maskEnvEntry(entry: string, secrets: readonly string[]): string {
  const equals = entry.indexOf('=');
  if (equals > 0 && isSecretName(entry.slice(0, equals))) return `${entry.slice(0, equals)}=${MASK}`;
  return maskSecrets(entry, secrets);
}

/** Secret values in a value (so they can be masked where they appear elsewhere): the one collection of secrets.ts. */
export function secretsByPlace(value: unknown, found = new Set<string>()): Set<string> {
  return secretsIn(value, found);
}

export interface MaskedValues {
  old?: unknown;
  new?: unknown;
  /** The change is to a secret value itself: show "(changed)", never the values. */
  secret: boolean;
}

/** The old and new values of a change as they may be shown. */
export function maskChangeValues(change: { segments: readonly string[]; old?: unknown; new?: unknown }, secrets: readonly string[]): MaskedValues {
  const last = change.segments[change.segments.length - 1];
  const isPrimitive = (value: unknown): boolean => value === undefined || value === null || typeof value !== 'object';
  if (isSecretPath(change.segments) && isPrimitive(change.old) && isPrimitive(change.new)) {
    return { ...(change.old !== undefined && { old: MASK }), ...(change.new !== undefined && { new: MASK }), secret: true };
  }
  const place = last !== undefined && isSecretName(last);
  return {
    ...(change.old !== undefined && { old: maskValue(change.old, secrets, place, last) }),
    ...(change.new !== undefined && { new: maskValue(change.new, secrets, place, last) }),
    secret: false,
  };
}
