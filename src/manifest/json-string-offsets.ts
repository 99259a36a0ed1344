// Maps an offset in a decoded JSON string literal to the offset in its raw source text.
// Escapes make the two differ: `\"` is two characters in the file but one in the value.

/** `literalOffset` points at the opening quote of the literal in `text`. */
export function rawOffsetInJsonString(text: string, literalOffset: number, decodedOffset: number): number {
  let raw = literalOffset + 1;
  let decoded = 0;
  while (decoded < decodedOffset && raw < text.length) {
    const char = text.charCodeAt(raw);
    if (char === 34 /* " */) break;
    if (char === 92 /* \ */) raw += text.charCodeAt(raw + 1) === 117 /* u */ ? 6 : 2;
    else raw += 1;
    decoded++;
  }
  return raw;
}
