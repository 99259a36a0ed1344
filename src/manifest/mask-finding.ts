// Masks what a finding shows in any report, its message and its suggestions, with secrets that
// the code which made it did not know: values gen filled in, a layer's secrets, the secrets of
// the text a patched or merged result came from.
import type { Finding } from '../findings.js';
import { maskSecrets } from './mask-secrets.js';

export function maskFinding<T extends Finding>(finding: T, secrets: readonly string[]): T {
  const masked = { ...finding, message: maskSecrets(finding.message, secrets) };
  if (finding.suggestions) masked.suggestions = finding.suggestions.map((suggestion) => maskStrings(suggestion, secrets));
  return masked;
}

function maskStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((entry) => maskStrings(entry, secrets)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskStrings(entry, secrets)])) as T;
  return value;
}
