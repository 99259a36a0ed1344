// The pure core of `edgewise diff`: two loaded manifests in, their differences in meaning out
// (change list, groups with impact, secrets to mask, and on request the RFC 6902 patch).
import { readMeaning, secretsOf, type ManifestMeaning } from './comparable-manifest.js';
import { groupChanges, type ChangeGroup } from './change-groups.js';
import { listChanges, type Change } from './change-list.js';
import { rawPatch, type RawPatch } from './raw-patch.js';
import { maskableSecrets, secretsByPlace } from './secret-masking.js';

export interface DiffSide {
  /** Display name. */
  file: string;
  /** The document (undefined for an empty file). */
  value: unknown;
}

export interface ManifestDiff {
  a: DiffSide;
  b: DiffSide;
  changes: Change[];
  groups: ChangeGroup[];
  /** Secret values of either side, to mask in free text. */
  secrets: string[];
  /** The patch that turns A's document into B's (computed on first use). */
  patch(): Promise<RawPatch>;
}

export async function diffManifests(a: DiffSide, b: DiffSide): Promise<ManifestDiff> {
  const [meaningA, meaningB] = await Promise.all([readMeaning(a.file, a.value), readMeaning(b.file, b.value)]);
  const changes = listChanges(meaningA.model, meaningB.model);
  let patch: Promise<RawPatch> | undefined;
  return {
    a,
    b,
    changes,
    groups: groupChanges(changes),
    secrets: secretsOfBoth(meaningA, meaningB),
    patch: () => (patch ??= rawPatch(a, b, meaningA, meaningB)),
  };
}

function secretsOfBoth(a: ManifestMeaning, b: ManifestMeaning): string[] {
  const found = new Set([...secretsOf(a), ...secretsOf(b)]);
  secretsByPlace(a.model, found);
  secretsByPlace(b.model, found);
  return maskableSecrets(found);
}
