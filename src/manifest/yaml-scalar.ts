// How a string is written in YAML so that every YAML parser reads back exactly that string:
// plain when that is unambiguous (a letter, $, /, _ or ( first, so never a number; no word
// that YAML 1.1 parsers read as a boolean or null; no ": " or " #"), 'single-quoted' when only quoting is needed, and
// "double-quoted" with JSON's escapes (a subset of YAML's) when the text holds control or
// non-printable characters.
/** Printable ASCII that needs no thought in a block-context plain scalar. */
const PLAIN_CHARS = /^[A-Za-z0-9 _$./+()=;:~^<>*#?-]+$/;
const FIRST_CHAR = /^[A-Za-z_$./(<]/;
/** YAML 1.1 booleans and nulls (YAML 1.2 reads them as text, older parsers do not). */
const YAML11_WORDS = /^(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF|true|True|TRUE|false|False|FALSE|null|Null|NULL|~)$/;
/** Characters YAML does not allow raw in a scalar, or that a single-quoted scalar would fold. */
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** What else a plain scalar starting with "." or "<" could be: .inf, .nan, .5 (floats), ... (end of document), << (merge key). */
const SPECIAL_START = /^(\.(inf|Inf|INF|nan|NaN|NAN|[0-9]|\.\.)|<<)/;

function isPlainSafe(text: string, isKey: boolean): boolean {
  if (!PLAIN_CHARS.test(text) || !FIRST_CHAR.test(text) || YAML11_WORDS.test(text) || SPECIAL_START.test(text)) return false;
  if (text.endsWith(' ') || text.endsWith(':') || text.includes(': ') || text.includes(' #')) return false;
  return !(isKey && (text.includes(':') || text.includes('?')));
}

function doubleQuoted(text: string): string {
  // JSON.stringify escapes quotes, backslashes, C0 controls and lone surrogates; YAML also wants the rest escaped.
  return JSON.stringify(text).replace(/[\u007f-\u009f\u2028\u2029\ufeff\ufffe\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function yamlString(text: string, isKey = false): string {
  if (text !== '' && isPlainSafe(text, isKey)) return text;
  if (!NEEDS_ESCAPE.test(text)) return `'${text.replace(/'/g, "''")}'`;
  return doubleQuoted(text);
}
