// Expands ${NAME} and $NAME in a JSON template's text, as iotedgedev does (os.path.expandvars over
// the whole file, then json.loads), so that a placeholder outside any string, such as
// `"timeToLiveSecs": ${TTL}`, becomes a number. Two fixes over iotedgedev:
// - inside a JSON string the value is inserted JSON-escaped, so a password holding `"` or a
//   Windows path holding `\` no longer breaks the file;
// - a bare `$name` counts only when it looks like a variable (UPPER_CASE or snake_case, as
//   findPlaceholders decides), so IoT Edge's own `$edgeHub`, `$upstream` or `$body` are never
//   replaced, whatever the environment holds.
// Every placeholder left unresolved is returned with its offset in the original text.

export interface PlaceholderToken {
  /** As written: `${ACR_USER}` or `$ACR_USER`. */
  text: string;
  /** What is inside: `ACR_USER`, `MODULES.filtermodule.amd64`. */
  name: string;
  braced: boolean;
}

/** A value, or why there is none, worded to follow the token: `${X}` + ` is not set; set X in …`. */
export type Resolution = { value: string } | { missing: string };

export type PlaceholderResolver = (token: PlaceholderToken) => Resolution;

export interface UnresolvedPlaceholder {
  token: PlaceholderToken;
  /** Offset of the token in the original text. */
  offset: number;
  reason: string;
}

interface Replacement {
  originalStart: number;
  originalEnd: number;
  start: number;
  end: number;
}

export interface ExpandedText {
  text: string;
  unresolved: UnresolvedPlaceholder[];
  /** Maps an offset in the expanded text back to the original (a replaced span maps to its start). */
  toOriginal(offset: number): number;
}

// A braced name stops at a quote or a line end: an unclosed `${` must not swallow the JSON up to a
// later `}` (no variable is named across a quote, so nothing that would resolve is lost).
const TOKEN = /\$\{([^}"\n]+)\}|\$([A-Za-z_][A-Za-z0-9_]*)/y;

/** UPPER_CASE or snake_case: `$ACR_USER`, `$lora_version`; not `$edgeHub`, `$upstream`. */
export function isVariableName(name: string): boolean {
  return /[A-Za-z]/.test(name) && (name === name.toUpperCase() || name.includes('_'));
}

/** The token starting at `offset`, if a placeholder starts there. */
export function tokenAt(text: string, offset: number): PlaceholderToken | undefined {
  if (text[offset] !== '$') return undefined;
  TOKEN.lastIndex = offset;
  const match = TOKEN.exec(text);
  if (!match) return undefined;
  if (match[1] !== undefined) return { text: match[0], name: match[1], braced: true };
  // `$$NAME` is a literal (a password, say), as findPlaceholders treats it.
  if (offset > 0 && text[offset - 1] === '$') return undefined;
  return isVariableName(match[2]!) ? { text: match[0], name: match[2]!, braced: false } : undefined;
}

/** Escapes a value for the inside of a JSON string literal. */
function jsonEscape(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

export function expandJsonText(text: string, resolve: PlaceholderResolver): ExpandedText {
  const unresolved: UnresolvedPlaceholder[] = [];
  const replacements: Replacement[] = [];
  let output = '';
  let copiedUpTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (inString && char === '\\') {
      i++;
      continue;
    }
    if (char === '"') {
      inString = !inString;
      continue;
    }
    if (char !== '$') continue;
    const token = tokenAt(text, i);
    if (!token) continue;
    const resolution = resolve(token);
    if ('missing' in resolution) {
      unresolved.push({ token, offset: i, reason: resolution.missing });
      i += token.text.length - 1;
      continue;
    }
    const value = inString ? jsonEscape(resolution.value) : resolution.value;
    output += text.slice(copiedUpTo, i);
    const start = output.length;
    output += value;
    replacements.push({ originalStart: i, originalEnd: i + token.text.length, start, end: output.length });
    copiedUpTo = i + token.text.length;
    i = copiedUpTo - 1;
  }
  output += text.slice(copiedUpTo);
  return { text: output, unresolved, toOriginal: (offset) => toOriginal(replacements, offset) };
}

function toOriginal(replacements: readonly Replacement[], offset: number): number {
  let low = 0;
  let high = replacements.length - 1;
  let found: Replacement | undefined;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (replacements[mid]!.start <= offset) {
      found = replacements[mid];
      low = mid + 1;
    } else high = mid - 1;
  }
  if (!found) return offset;
  return offset < found.end ? found.originalStart : found.originalEnd + (offset - found.end);
}

/** Expands the placeholders in one string value (YAML scalars, module.json fields). */
export function expandString(value: string, resolve: PlaceholderResolver): { value: string; unresolved: { token: PlaceholderToken; index: number; reason: string }[] } {
  const unresolved: { token: PlaceholderToken; index: number; reason: string }[] = [];
  let output = '';
  let copiedUpTo = 0;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '$') continue;
    const token = tokenAt(value, i);
    if (!token) continue;
    const resolution = resolve(token);
    if ('missing' in resolution) {
      unresolved.push({ token, index: i, reason: resolution.missing });
    } else {
      output += value.slice(copiedUpTo, i) + resolution.value;
      copiedUpTo = i + token.text.length;
    }
    i += token.text.length - 1;
  }
  return { value: output + value.slice(copiedUpTo), unresolved };
}
