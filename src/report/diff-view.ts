// What every diff formatter receives: the diff, whether to show secret values, and, for the
// patch format, the RFC 6902 patch (computed only when that format is asked for).
import type { ManifestDiff } from '../diff/diff-manifests.js';
import type { RawPatch } from '../diff/raw-patch.js';

export interface DiffView {
  diff: ManifestDiff;
  /** Show secret values instead of masking them (every format). */
  showSecrets: boolean;
  /** Needed by the patch format: `await diff.patch()`. */
  patch?: RawPatch;
}
