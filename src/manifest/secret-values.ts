// How the plaintext-secret rule judges an environment variable's value: whether it is a literal
// secret or clearly not one (empty, placeholders, dummies such as REPLACE_ME, booleans, numbers,
// paths, Key Vault references), and which variable to suggest instead. Whether a name holds a
// secret is not decided here: every command shares one test, src/manifest/secret-names.ts.
import { holdsPlaceholder } from './placeholders.js';
import { isSecretName, looksLikeKeyedConnectionString, nameWords } from './secret-names.js';

export { isSecretName, looksLikeKeyedConnectionString };

/** Filled in at deploy time, in any syntax the placeholder recogniser knows (`${X}`, `#{X}#`, `$(X)`, `__X__`…). */
export function isPlaceholderValue(value: string): boolean {
  return holdsPlaceholder(value);
}

/** Text left for a human to replace: `<log analytics shared key>`, `REPLACE_ME`, `xxxx`. */
export function isDummyValue(value: string): boolean {
  return /^(<[^<>]*>|\[[^[\]]*\]|replace[_ -]?me|change[_ -]?me|todo|tbd|x{3,}|\*{3,}|your[_ -].*)$/i.test(value.trim());
}

/** A value that is clearly not a literal secret. */
export function isHarmlessValue(value: unknown): boolean {
  if (typeof value !== 'string') return true; // numbers and booleans
  const text = value.trim();
  if (text === '' || /^(true|false|null)$/i.test(text) || /^[-+]?\d+(\.\d+)?$/.test(text)) return true;
  if (isPlaceholderValue(text) || isDummyValue(text)) return true;
  if (/^@Microsoft\.KeyVault\(/i.test(text) || /^https:\/\/[^/]+\.vault\.azure\.net\//i.test(text)) return true;
  return /^(\/|\.\/|~\/|[A-Za-z]:\\|file:\/\/)\S*$/.test(text); // a path to a mounted secret file
}

/** `CONTAINER_REGISTRY_PASSWORD` from `containerRegistryPassword`: the variable to suggest. */
export function placeholderNameFor(name: string): string {
  return nameWords(name).join('_').replace(/[^A-Z0-9_]/g, '');
}
