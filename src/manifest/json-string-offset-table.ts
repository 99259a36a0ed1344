// Maps offsets in one decoded JSON string literal to offsets in the raw text, like
// rawOffsetInJsonString, but from a table of the literal's escapes built in one pass: a long
// createOptions string can hold thousands of findings, and walking the string from its start
// for each of them made placing them quadratic (16,000 findings in a 100 KB string: seconds).
export class JsonStringOffsetTable {
  /** Decoded index of each escape, ascending. */
  private readonly escapes: number[] = [];
  /** Raw characters beyond the decoded ones, up to and including each escape. */
  private readonly extra: number[] = [];
  private readonly start: number;
  private readonly decodedLength: number;
  private readonly end: number;

  /** `literalOffset` points at the opening quote of the literal in `text`. */
  constructor(text: string, literalOffset: number) {
    this.start = literalOffset + 1;
    let raw = this.start;
    let decoded = 0;
    let extra = 0;
    while (raw < text.length) {
      const char = text.charCodeAt(raw);
      if (char === 34 /* " */) break;
      if (char === 92 /* \ */) {
        const length = text.charCodeAt(raw + 1) === 117 /* u */ ? 6 : 2;
        extra += length - 1;
        this.escapes.push(decoded);
        this.extra.push(extra);
        raw += length;
      } else raw += 1;
      decoded++;
    }
    this.decodedLength = decoded;
    this.end = raw;
  }

  /** The raw offset of decoded offset `decodedOffset`; past the end, the closing quote. */
  rawOffset(decodedOffset: number): number {
    if (decodedOffset >= this.decodedLength) return this.end;
    const decoded = Math.max(0, decodedOffset);
    // Escapes that sit before `decoded`: binary search for the first one at or after it.
    let low = 0;
    let high = this.escapes.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.escapes[mid]! < decoded) low = mid + 1;
      else high = mid;
    }
    return this.start + decoded + (low > 0 ? this.extra[low - 1]! : 0);
  }
}
