// Secret values in a manifest (registry passwords, secret-looking env values), so that no
// message in any format ever prints them.
import { isPlainObject } from './manifest-shape.js';
import type { NormalizedManifest } from './normalize-manifest.js';
import { desiredOf, listEnv } from './manifest-views.js';

/** Env names that usually hold secrets (underscores ignored): PASSWORD, SECRET, KEY, TOKEN, CONNECTIONSTRING. */
export const SECRET_NAME = /PASSWORD|SECRET|KEY|TOKEN|CONNECTIONSTRING|SAS/i;
export const MASK = '****';

export function collectSecrets(manifest: NormalizedManifest): string[] {
  const secrets = new Set<string>();
  const credentials = (desiredOf(manifest, '$edgeAgent')?.value.runtime as { settings?: { registryCredentials?: unknown } } | undefined)?.settings?.registryCredentials;
  if (isPlainObject(credentials)) {
    for (const entry of Object.values(credentials)) {
      if (isPlainObject(entry) && (typeof entry.password === 'string' || typeof entry.password === 'number')) secrets.add(String(entry.password));
    }
  }
  for (const module of manifest.modules) {
    for (const env of listEnv(module.definition, module.pointer)) {
      if (SECRET_NAME.test(env.name.replace(/_/g, '')) && (typeof env.value === 'string' || typeof env.value === 'number')) secrets.add(String(env.value));
    }
  }
  // Very short values would mask ordinary words in messages; they are not worth hiding.
  return [...secrets].filter((secret) => secret.length >= 4).sort((a, b) => b.length - a.length);
}

export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    masked = masked.split(secret).join(MASK);
    // Messages quote values with JSON.stringify, which escapes some characters.
    const quoted = JSON.stringify(secret).slice(1, -1);
    if (quoted !== secret) masked = masked.split(quoted).join(MASK);
  }
  return masked;
}
