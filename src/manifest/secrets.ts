// A manifest's secret values, so that masking (mask-secrets.ts) keeps them out of every message,
// report and diff. What counts as secret is secret-names.ts, the one test every command uses.
// Secrets are found by place (the value under a secret name: both env forms, createOptions "Env"
// entries, twin properties, registry passwords) and by shape (the key parts of connection
// strings and SAS tokens, anywhere: a route condition, an ordinary env var).
import { isWorthMasking, MASK, maskSecrets, maskSecretShapes } from './mask-secrets.js';
import { addChunkPieces } from './chunk-secret-pieces.js';
import type { NormalizedManifest } from './normalize-manifest.js';
import { assignedSecrets, isSecretName } from './secret-names.js';

export { isSecretName, MASK, maskSecrets, maskSecretShapes };

/** Every secret value in a manifest, as masking takes them (maskableSecrets). */
export function collectSecrets(manifest: NormalizedManifest): string[] {
  const found = secretsIn(manifest.value);
  // createOptions as edgeAgent reads them: joined from their chunks and parsed.
  for (const options of manifest.createOptions) if (options.value) secretsIn(options.value, found);
  addChunkPieces(manifest.value, found);
  return maskableSecrets(found);
}

/**
 * Every secret value in a parsed document no NormalizedManifest was made of (a generated
 * manifest, a merge or patch result), with the pieces its createOptions chunks hold; `alsoKnown`
 * are secrets known from elsewhere (gen's filled variables), whose pieces count too.
 */
export function documentSecrets(value: unknown, alsoKnown: Iterable<string> = []): string[] {
  const found = secretsIn(value, new Set(alsoKnown));
  addChunkPieces(value, found);
  return maskableSecrets(found);
}

/** Secret values in any parsed value (a manifest, a layer, a patch value, createOptions), by place and by shape. */
export function secretsIn(value: unknown, found = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    for (const assigned of assignedSecrets(value)) found.add(assigned.value);
  } else if (Array.isArray(value)) {
    for (const entry of value) secretsIn(entry, found);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    for (const name of Object.keys(record)) {
      const entry = record[name];
      if (isSecretName(name)) {
        // An env var holds its value in {"value": …}; written without it, the value stands alone.
        const held = entry !== null && typeof entry === 'object' && !Array.isArray(entry) && Object.hasOwn(entry, 'value') ? (entry as { value: unknown }).value : entry;
        if (typeof held === 'string' || typeof held === 'number') found.add(String(held));
      }
      secretsIn(entry, found);
    }
  }
  return found;
}

/** The values worth masking (mask-secrets.ts isWorthMasking), longest first, so a secret inside a longer one is not masked first. */
export function maskableSecrets(values: Iterable<string>): string[] {
  return [...new Set(values)].filter(isWorthMasking).sort((a, b) => b.length - a.length);
}
