// The `authentication` member of a device or module PUT body. The emulator speaks SAS only; the
// Node service SDK sends `{type:"sas", symmetricKey:{primaryKey:"", secondaryKey:""}}` when the
// caller gave none, and empty keys mean "generate them" (docs/FACTS.md §9).
import { CloudError } from '../cloud-error.js';
import type { SymmetricKeys } from '../identities.js';

export function writableAuthentication(value: unknown): { type: 'sas'; symmetricKey: SymmetricKeys } | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) throw new CloudError(400, 'ArgumentInvalid', 'authentication must be an object');
  const { type, symmetricKey } = value as { type?: unknown; symmetricKey?: unknown };
  if (type !== undefined && type !== 'sas') throw new CloudError(400, 'ArgumentInvalid', `authentication type ${String(type)} is not supported: edgewise cloud authenticates with SAS keys only`);
  const keys = (symmetricKey ?? {}) as { primaryKey?: unknown; secondaryKey?: unknown };
  const key = (name: 'primaryKey' | 'secondaryKey'): string => {
    const text = keys[name];
    if (text === undefined || text === null) return '';
    if (typeof text !== 'string') throw new CloudError(400, 'ArgumentInvalid', `authentication.symmetricKey.${name} must be a base64 string`);
    return text;
  };
  return { type: 'sas', symmetricKey: { primaryKey: key('primaryKey'), secondaryKey: key('secondaryKey') } };
}
