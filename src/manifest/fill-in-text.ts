// Recognises text left for a human to replace in a value: a sentence in angle brackets
// (`<Use the key of your Log Analytics workspace>`, as sample deployments write), a marker such
// as TODO or CHANGEME, `xxx` standing for a name or key (`HostName=xxx.azure-devices.net`), or
// `YOUR_CONNECTION_STRING`. Tokens without spaces (`<YOUR_KEY>`, `<Build.BuildNumber>`) are
// placeholders (placeholders.ts), never fill-in text, so nothing is reported twice.
import { findPlaceholders } from './placeholders.js';

export interface FillInText {
  /** The fill-in as written, e.g. `<Use the key of …>` or `xxx`. */
  text: string;
  /** Offset in the value, in UTF-16 code units. */
  offset: number;
}

/**
 * A sentence in angle brackets: starts with a letter, holds a space, and has no `=` or `"`
 * (HTML attributes) nor a closing `/` (`<br />`); it stands apart from letters around it, so
 * `a<b and c>d` in a condition is not one.
 */
const BRACKETED_PROSE = /(?<!\w)<[A-Za-z][^<>"=\n]*?\s[^<>"=\n]*?[^\s/<>"=]>(?!\w)/;

/** `xxx`, `XXXX`, `xxxxxxxx-xxxx-…` (a GUID to fill in), apart from words: `xxx-large` is not one. */
const X_RUN = /(?<![\w-])[xX]{3,}(?:-[xX]{3,})*(?![\w-])/;

/**
 * Markers that are a whole value (or the value of one `key=value` part of a connection string).
 * TODO, TBD and FIXME count in upper case only, as markers are written; a twin enum may say "todo".
 */
const UPPER_MARKER = /^(?:TODO|TBD|FIXME)[.!]?$/;
const MARKER = /^(?:(?:change|replace)[-_ ]?me|fill[-_ ]?me[-_ ]?in|your[-_][\w-]+|(?:enter|insert|put|add)[-_ ][\w -]*[-_ ]here)[.!]?$/i;

/** First letters of the markers, lower-cased: most values are ruled out before any pattern runs. */
const MARKER_INITIALS = new Set([...'acefiprty'].map((letter) => letter.charCodeAt(0)));

function isMarker(text: string): boolean {
  if (!MARKER_INITIALS.has(text.charCodeAt(0) | 0x20)) return false;
  return UPPER_MARKER.test(text) || MARKER.test(text);
}

/** The first fill-in text in a value, if any. */
export function findFillInText(value: string): FillInText | undefined {
  const found = candidates(value);
  // Rules ask this of every string in a manifest, and nearly none holds a candidate.
  if (found.length === 0) return undefined;
  found.sort((a, b) => a.offset - b.offset);
  const placeholders = findPlaceholders(value);
  return found.find((fill) => !placeholders.some((p) => p.offset < fill.offset + fill.text.length && fill.offset < p.offset + p.text.length));
}

function candidates(value: string): FillInText[] {
  const found: FillInText[] = [];
  // Each pattern needs a character that most values lack: looked for first.
  if (value.includes('<')) addFirstMatch(BRACKETED_PROSE, value, found);
  if (value.includes('x') || value.includes('X')) addFirstMatch(X_RUN, value, found);
  // The whole value, then each part of `Key=value;Key=value` text.
  let start = 0;
  for (const part of value.includes(';') ? value.split(';') : [value]) {
    const equals = part.indexOf('=');
    const inner = equals === -1 ? part : part.slice(equals + 1);
    const trimmed = inner.trim();
    if (trimmed !== '' && isMarker(trimmed)) found.push({ text: trimmed, offset: start + (equals + 1) + inner.indexOf(trimmed) });
    start += part.length + 1;
  }
  return found;
}

function addFirstMatch(pattern: RegExp, value: string, found: FillInText[]): void {
  const match = pattern.exec(value);
  if (match) found.push({ text: match[0], offset: match.index });
}
