// Reads a value of the normalized manifest by pointer, including pointers into a string
// createOptions (which rules address as if it were an object).
import { createOptionsAround } from '../manifest/docker/create-options-index.js';
import { getAtPointer } from '../manifest/json-pointer.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';

export function valueAtPointer(manifest: NormalizedManifest, pointer: string): unknown {
  const options = createOptionsAround(manifest.createOptions, pointer);
  if (options?.form === 'string') return getAtPointer(options.value, pointer.slice(options.pointer.length));
  return getAtPointer(manifest.value, pointer);
}
