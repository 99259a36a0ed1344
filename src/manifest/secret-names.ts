// What counts as secret, by name and by shape, for every command: the lint rule that flags a
// literal secret, the masking of every message and report, and diff. One test, so that a name
// such as `Connection-String` is a secret to all of them or to none.
//
// By name: the name's last word is a secret word, so API_KEY, SharedAccessKey, DB_PASS and
// PRIVATE_KEY count, but KEY_VAULT_URL, SharedAccessKeyName, PUBLIC_KEY and PROXY_BYPASS do not.
// By shape: the key parts of Azure connection strings and SAS tokens, whatever the name they are
// under, and `NAME=value` assignments with a secret NAME (createOptions "Env" entries, SQL and
// Storage connection strings).

/** Last words that are secrets, also at the end of a longer word (APIKEY, ACCESSTOKEN, DBPASSWORD). */
const SECRET_WORD_END = /(PASSWORD|PASSWD|SECRET|KEY|TOKEN)$/;
/** Last words that are secrets only as whole words: PROXY_BYPASS and COMPASS are not. */
const SECRET_WORD = /^(PASS|PWD|PASSPHRASE|CREDENTIALS?|SAS)$/;
/** Names that hold no secret word at all: most names leave here, before any splitting. */
const SECRET_HINT = /pass|pwd|secret|key|token|credential|sas|conn/i;

/**
 * edgeAgent's registryCredentials holds one object per registry, whose address and username are
 * not secret; its passwords are secrets by their own name.
 */
const CONTAINERS = new Set(['registryCredentials']);

/** Words of a name: split on `_`, `-`, `.`, spaces and camelCase boundaries, upper-cased. */
export function nameWords(name: string): string[] {
  return name
    .replace(/IoT/g, 'Iot') // IoTHubConnectionString: IOT_HUB_…, not IO_T_HUB_…
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_.-]+/)
    .filter(Boolean)
    .map((word) => word.toUpperCase());
}

/** Names repeat across a fleet's manifests: each is judged once (bounded, so odd input cannot grow it). */
const JUDGED = new Map<string, boolean>();
const MAX_JUDGED = 4096;

/** Whether a name (env var, twin property, registry field, createOptions Env name) holds a secret. */
export function isSecretName(name: string): boolean {
  if (!SECRET_HINT.test(name) || CONTAINERS.has(name)) return false;
  let judged = JUDGED.get(name);
  if (judged === undefined) {
    judged = judgeSecretName(name);
    if (JUDGED.size >= MAX_JUDGED) JUDGED.clear();
    JUDGED.set(name, judged);
  }
  return judged;
}

function judgeSecretName(name: string): boolean {
  if (/(CONNECTIONSTRINGS?|CONNSTR)$/.test(name.toUpperCase().replace(/[\s_.-]/g, ''))) return true;
  const parts = nameWords(name);
  const last = parts[parts.length - 1];
  if (!last || !(SECRET_WORD_END.test(last) || SECRET_WORD.test(last))) return false;
  return parts[parts.length - 2] !== 'PUBLIC' && last !== 'PUBLICKEY';
}

/** Secret words `NAME=` introduces that are no names of their own: a SAS token's signature. */
const SIGNATURE_NAME = /^(sig|SharedAccessSignature)$/i;

/**
 * `NAME=value` inside text: Storage and IoT Hub connection strings (`AccountKey=…;`), SAS query
 * strings (`&sig=…&`), createOptions Env entries and SQL connection strings (`Password=…;`). The
 * value ends where the text's own syntax would end it: `;` `&` `,` a quote, a backslash (an
 * escaped quote in JSON) or white space.
 */
const ASSIGNMENT = /(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s;&,"'\\<>]+)/g; // a name starts after no name character: one pass, however long a word

/** The secret values that assignments in a text carry (connection-string keys, SAS signatures, `DB_PASSWORD=…`). */
export function assignedSecrets(text: string): { offset: number; value: string }[] {
  if (!text.includes('=')) return [];
  const found: { offset: number; value: string }[] = [];
  for (const match of text.matchAll(ASSIGNMENT)) {
    const [whole, name, value] = match as unknown as [string, string, string];
    if (!isSecretName(name) && !SIGNATURE_NAME.test(name)) continue;
    found.push({ offset: match.index + whole.length - value.length, value });
  }
  return found;
}

/** Values that hold a key whatever the variable's name: IoT Hub and Storage connection strings, SAS tokens. */
export function looksLikeKeyedConnectionString(value: string): boolean {
  return /(SharedAccessKey|AccountKey)=[^;]+/i.test(value) || /SharedAccessSignature\s.*sig=/i.test(value);
}
