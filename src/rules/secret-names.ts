// Decides whether an environment variable holds a secret, from its name and value. Deliberately
// simple: the name's last word must be a secret word (so API_KEY and SharedAccessKey count, but
// KEY_VAULT_URL, SharedAccessKeyName and KEYBOARD_LAYOUT do not), and values that cannot be
// secrets (empty, placeholders, dummies such as REPLACE_ME, booleans, numbers, paths, Key Vault
// references) are skipped.
import { holdsPlaceholder } from '../manifest/placeholders.js';

const SECRET_WORD = /(PASSWORD|PASSWD|SECRET|KEY|TOKEN)$/; // not PWD: that is the working directory

/** Words of an env name: split on `_`, `-`, `.` and camelCase boundaries, uppercased. */
function words(name: string): string[] {
  return name
    .replace(/IoT/g, 'Iot') // IoTHubConnectionString: IOT_HUB_…, not IO_T_HUB_…
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => word.toUpperCase());
}

const SECRET_HINT = /pass|secret|key|token|connection/i;

export function isSecretName(name: string): boolean {
  if (!SECRET_HINT.test(name)) return false; // most names: no word splitting needed
  if (name.toUpperCase().replace(/[_.-]/g, '').endsWith('CONNECTIONSTRING')) return true;
  const parts = words(name);
  const last = parts[parts.length - 1];
  if (!last || !SECRET_WORD.test(last)) return false;
  return parts[parts.length - 2] !== 'PUBLIC' && last !== 'PUBLICKEY';
}

/** Values that hold a key whatever the variable's name: IoT Hub and Storage connection strings, SAS tokens. */
export function looksLikeKeyedConnectionString(value: string): boolean {
  return /(SharedAccessKey|AccountKey)=[^;]+/i.test(value) || /SharedAccessSignature\s.*sig=/i.test(value);
}

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
  return words(name).join('_').replace(/[^A-Z0-9_]/g, '');
}
