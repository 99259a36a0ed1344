// Finds the secret mask ("****") in values that patch or merge would write. `edgewise diff`
// (and every report) shows secrets as "****" unless --show-secrets; a patch or layered
// deployment copied from such output would replace a real registry password, key or connection
// string with asterisks, and the device would fail to pull or connect. Finding the mask is
// data; patch-file.ts and merge-files.ts decide to refuse.
import { appendPointer } from './json-pointer.js';
import { MASK } from './secrets.js';

/** Every string at or below `pointer` that holds the mask, as JSON Pointers. */
export function maskedValuePointers(value: unknown, pointer = ''): string[] {
  if (typeof value === 'string') return value.includes(MASK) ? [pointer] : [];
  if (Array.isArray(value)) return value.flatMap((entry, index) => maskedValuePointers(entry, appendPointer(pointer, index)));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([key, entry]) => maskedValuePointers(entry, appendPointer(pointer, key)));
  return [];
}

/** Why a masked value is refused, the same for patch and merge. */
export const MASKED_SECRET_HARM = `"${MASK}" is how edgewise masks secrets, and writing it would replace the real secret with asterisks`;
