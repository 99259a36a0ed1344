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
  // Most names hold no hint of a secret and leave here, before the cache: caching every name
  // of a fleet of manifests would keep the cache full of names judged in one regex test.
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
 * name is a whole word of letters, digits, `_`, `.` and `-` that starts with a letter or `_`;
 * the value ends where the text's own syntax would end it: `;` `&` `,` a quote, a backslash (an
 * escaped quote in JSON) or white space. This is the pattern
 * /(?<![\w.-])([A-Za-z_][\w.-]*)=([^\s;&,"'\\<>]+)/g, scanned from `=` to `=` by hand: every
 * string of every manifest passes here when secrets are collected, and the pattern's lookbehind
 * ran at each character.
 */
export function assignedSecrets(text: string): { offset: number; value: string }[] {
  const found: { offset: number; value: string }[] = [];
  let equals = text.indexOf('=');
  while (equals !== -1) {
    let start = equals;
    while (start > 0 && isNameCode(text.charCodeAt(start - 1))) start--;
    if (start === equals || !isNameStartCode(text.charCodeAt(start))) {
      equals = text.indexOf('=', equals + 1);
      continue;
    }
    let end = equals + 1;
    while (end < text.length && isValueCode(text.charCodeAt(end))) end++;
    if (end === equals + 1) {
      equals = text.indexOf('=', equals + 1);
      continue;
    }
    const name = text.slice(start, equals);
    if (isSecretName(name) || SIGNATURE_NAME.test(name)) found.push({ offset: equals + 1, value: text.slice(equals + 1, end) });
    // A value may hold `=` (base64 padding, `a=b=c`): the next name starts after it.
    equals = text.indexOf('=', end);
  }
  return found;
}

/** `[A-Za-z0-9_.-]`. */
function isNameCode(code: number): boolean {
  return isNameStartCode(code) || (code >= 0x30 && code <= 0x39) || code === 0x2e || code === 0x2d;
}

/** `[A-Za-z_]`. */
function isNameStartCode(code: number): boolean {
  const lower = code | 0x20;
  return (lower >= 0x61 && lower <= 0x7a) || code === 0x5f;
}

/** Not white space (as the pattern's `\s` counts it) and none of `;&,"'\<>`. */
function isValueCode(code: number): boolean {
  const ends = code === 0x3b || code === 0x26 || code === 0x2c || code === 0x22 || code === 0x27 || code === 0x5c || code === 0x3c || code === 0x3e;
  return !ends && !isWhiteSpaceCode(code);
}

/** ECMAScript's white space and line terminators, which `\s` matches. */
function isWhiteSpaceCode(code: number): boolean {
  if (code <= 0x20) return code === 0x20 || (code >= 0x09 && code <= 0x0d);
  if (code < 0xa0) return false;
  return code === 0xa0 || code === 0x1680 || (code >= 0x2000 && code <= 0x200a) || code === 0x2028 || code === 0x2029 || code === 0x202f || code === 0x205f || code === 0x3000 || code === 0xfeff;
}

/** Values that hold a key whatever the variable's name: IoT Hub and Storage connection strings, SAS tokens. */
export function looksLikeKeyedConnectionString(value: string): boolean {
  return /(SharedAccessKey|AccountKey)=[^;]+/i.test(value) || /SharedAccessSignature\s.*sig=/i.test(value);
}
