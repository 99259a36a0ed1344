// .NET's invariant case mapping maps one character to one character (so 'ß' stays 'ß' in
// upper case, where JavaScript gives "SS"). edgeHub's lower()/upper() and its case-insensitive
// property lookups use it, so we map character by character and keep characters whose JavaScript
// mapping would change their length.

function mapEach(text: string, map: (c: string) => string): string {
  let out = '';
  for (const c of text) {
    const mapped = map(c);
    out += mapped.length === c.length ? mapped : c;
  }
  return out;
}

export function toUpperInvariant(text: string): string {
  return mapEach(text, (c) => c.toUpperCase());
}

export function toLowerInvariant(text: string): string {
  return mapEach(text, (c) => c.toLowerCase());
}

const ASCII = /^[\x00-\x7f]*$/;

/** Key for OrdinalIgnoreCase dictionaries (message properties, function names). */
export function foldKey(text: string): string {
  return ASCII.test(text) ? text.toUpperCase() : toUpperInvariant(text);
}
