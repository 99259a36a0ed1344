// Secret values in a manifest (registry passwords, secret-looking env values), so that no
// message in any format ever prints them.
import { findFillInText } from './fill-in-text.js';
import { isPlainObject } from './manifest-shape.js';
import { holdsPlaceholder } from './placeholders.js';
import type { NormalizedManifest } from './normalize-manifest.js';
import { desiredOf, listEnv } from './manifest-views.js';

/** Env names that usually hold secrets (underscores ignored): PASSWORD, SECRET, KEY, TOKEN, CONNECTIONSTRING. */
export const SECRET_NAME = /PASSWORD|SECRET|KEY|TOKEN|CONNECTIONSTRING|SAS/i;
export const MASK = '****';

/** Whether a key (an env var, a property) looks like it holds a secret: masking errs on the safe side. */
export function looksSecretName(name: string): boolean {
  return SECRET_NAME.test(name.replace(/_/g, ''));
}

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
      if (looksSecretName(env.name) && (typeof env.value === 'string' || typeof env.value === 'number')) secrets.add(String(env.value));
    }
  }
  // Placeholders (in any syntax the recogniser knows) are filled in later, and fill-in text such
  // as "<Use the primary key of …>" is left for a human: neither is secret, and a message that
  // quotes it must show it. Very short values and plain lowercase words ("password") would mask
  // ordinary words in messages.
  return [...secrets].filter((secret) => secret.length >= 4 && !holdsPlaceholder(secret) && !isFillInOnly(secret) && !/^[a-z]+$/.test(secret)).sort((a, b) => b.length - a.length);
}

function isFillInOnly(value: string): boolean {
  return findFillInText(value)?.text === value.trim();
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Replaces each secret where it stands as a whole value, not inside a longer word. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  for (const secret of secrets) {
    // Messages quote values with JSON.stringify, which escapes some characters.
    for (const form of new Set([secret, JSON.stringify(secret).slice(1, -1)])) {
      if (!masked.includes(form)) continue; // the common case: no regex needed
      masked = masked.replace(new RegExp(`(?<![A-Za-z0-9])${escapeRegExp(form)}(?![A-Za-z0-9])`, 'g'), MASK);
    }
  }
  return masked;
}
