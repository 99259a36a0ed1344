// The reported-properties patch from what was reported last to what is true now, as edgeAgent
// sends it (IoTHubReporter.DiffAndReportAsync with edge-util JsonEx.Diff): only what changed,
// objects compared key by key, and null for a key that is gone (a removed module, a
// statusDescription that no longer applies), since in a twin patch null deletes the key.
import { isDeepStrictEqual } from 'node:util';
import { setOwn } from '../../manifest/json-pointer.js';
import { isPlainObject } from '../../manifest/manifest-shape.js';

/** The patch that turns `previous` (undefined: nothing reported yet) into `current`; {} when nothing changed. */
export function reportedPatch(previous: Record<string, unknown> | undefined, current: Record<string, unknown>): Record<string, unknown> {
  if (!previous) return structuredClone(current);
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(current)) {
    const before = Object.prototype.hasOwnProperty.call(previous, key) ? previous[key] : undefined;
    if (isDeepStrictEqual(before, value)) continue;
    if (isPlainObject(before) && isPlainObject(value)) {
      const inner = reportedPatch(before, value);
      if (Object.keys(inner).length > 0) setOwn(patch, key, inner);
    } else {
      setOwn(patch, key, structuredClone(value));
    }
  }
  for (const key of Object.keys(previous)) {
    if (!Object.prototype.hasOwnProperty.call(current, key)) setOwn(patch, key, null);
  }
  return patch;
}
