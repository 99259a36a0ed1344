// Reading a message body the way edgeHub does before a $body query: decode the bytes with the
// declared contentEncoding (utf-8, utf-16 or utf-32, little-endian, BOM kept), then parse with
// Newtonsoft's JObject.Parse. Newtonsoft turns ISO-8601-looking strings into dates, which
// edgeHub cannot compare (so `$body.time = '2017-03-09T00:00:00Z'` is undefined), accepts
// comments and single quotes, and requires an object at the root. This parser reproduces those
// behaviours; it is strict JSON plus exactly those leniencies.

export type JsonNode =
  | { type: 'object'; props: Map<string, JsonNode> }
  | { type: 'array'; items: JsonNode[] }
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'null' }
  /** A string Newtonsoft reads as a date, or the `undefined` literal: not a comparable value. */
  | { type: 'other'; text: string };

/** Why the body could not be read; the names are the .NET exception types edgeHub raises. */
export class BodyReadError extends Error {
  constructor(
    readonly errorType: 'InvalidOperationException' | 'ArgumentException' | 'JsonReaderException',
    message: string,
  ) {
    super(message);
  }
}

const ENCODINGS = new Map<string, 'utf-8' | 'utf-16' | 'utf-32'>([
  ['utf-8', 'utf-8'],
  ['utf-16', 'utf-16'],
  ['utf-32', 'utf-32'],
]);

/** The encoding edgeHub accepts for a contentEncoding value (any case), or undefined. */
export function supportedEncoding(name: string): 'utf-8' | 'utf-16' | 'utf-32' | undefined {
  return ENCODINGS.get(name.toLowerCase());
}

/** Encoding.GetString: invalid sequences become U+FFFD and a byte order mark is kept. */
export function decodeBody(bytes: Uint8Array, encoding: 'utf-8' | 'utf-16' | 'utf-32'): string {
  if (encoding === 'utf-8') return new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
  if (encoding === 'utf-16') return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(bytes);
  let out = '';
  const whole = bytes.length - (bytes.length % 4);
  for (let i = 0; i < whole; i += 4) {
    const cp = (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24)) >>> 0;
    out += cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ? '\ufffd' : String.fromCodePoint(cp);
  }
  if (whole < bytes.length) out += '\ufffd';
  return out;
}

// char.IsWhiteSpace: Unicode White_Space (not U+FEFF, so a byte order mark is an error).
const WHITESPACE = /^[\t\n\u000b\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;

function isWhiteSpace(c: string | undefined): boolean {
  return c !== undefined && WHITESPACE.test(c);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Does Newtonsoft (DateParseHandling.DateTime) read this string value as a date? */
export function looksLikeDate(s: string): boolean {
  if (s.startsWith('/')) return /^\/Date\(-?\d+([+-]\d{4})?\)\/$/.test(s);
  if (s.length < 19 || s.length > 40 || !/[0-9]/.test(s[0]!) || s[10] !== 'T') return false;
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?(?:[Zz]|[+-]\d{2}(?::?\d{2})?)?$/.exec(s);
  if (!m) return false;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  if (day > (month === 2 && isLeapYear(year) ? 29 : DAYS_IN_MONTH[month - 1]!)) return false;
  if (minute > 59 || second > 59 || hour > 24) return false;
  return hour < 24 || (minute === 0 && second === 0 && !/[1-9]/.test(m[7] ?? ''));
}

class JsonReader {
  private pos = 0;

  constructor(private readonly text: string) {}

  private fail(what: string): never {
    throw new BodyReadError('JsonReaderException', `${what} at position ${this.pos} of the message body.`);
  }

  skipIgnorable(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (isWhiteSpace(c)) {
        this.pos++;
      } else if (c === '/' && this.text[this.pos + 1] === '*') {
        const end = this.text.indexOf('*/', this.pos + 2);
        if (end < 0) this.fail('Unterminated comment');
        this.pos = end + 2;
      } else if (c === '/' && this.text[this.pos + 1] === '/') {
        while (this.pos < this.text.length && this.text[this.pos] !== '\n' && this.text[this.pos] !== '\r') this.pos++;
      } else {
        return;
      }
    }
  }

  atEnd(): boolean {
    return this.pos >= this.text.length;
  }

  value(): JsonNode {
    this.skipIgnorable();
    const c = this.text[this.pos];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'") {
      const value = this.string();
      return looksLikeDate(value) ? { type: 'other', text: value } : { type: 'string', value };
    }
    if (c === '-' && this.text.startsWith('-Infinity', this.pos)) return this.literal('-Infinity', { type: 'number', value: -Infinity });
    if (c !== undefined && (c === '-' || (c >= '0' && c <= '9') || c === '.')) return this.number();
    if (c === 't') return this.literal('true', { type: 'boolean', value: true });
    if (c === 'f') return this.literal('false', { type: 'boolean', value: false });
    if (c === 'n') return this.literal('null', { type: 'null' });
    if (c === 'u') return this.literal('undefined', { type: 'other', text: 'undefined' });
    if (c === 'N') return this.literal('NaN', { type: 'number', value: NaN });
    if (c === 'I') return this.literal('Infinity', { type: 'number', value: Infinity });
    return this.fail(c === undefined ? 'Unexpected end of the body' : `Unexpected character '${c}'`);
  }

  private literal(word: string, node: JsonNode): JsonNode {
    if (!this.text.startsWith(word, this.pos)) this.fail(`Unexpected text '${this.text.slice(this.pos, this.pos + word.length)}'`);
    this.pos += word.length;
    const next = this.text[this.pos];
    if (next !== undefined && !isWhiteSpace(next) && !',]}/'.includes(next)) this.fail(`Unexpected character '${next}' after ${word}`);
    return node;
  }

  private number(): JsonNode {
    const start = this.pos;
    while (this.pos < this.text.length && /[0-9a-zA-Z.+-]/.test(this.text[this.pos]!)) this.pos++;
    const raw = this.text.slice(start, this.pos);
    if (/^0[xX][0-9a-fA-F]+$/.test(raw)) return { type: 'number', value: Number(BigInt(raw)) };
    if (/^0[0-7]+$/.test(raw)) return { type: 'number', value: parseInt(raw, 8) };
    if (/^-?\d+$/.test(raw) && !/^-?0\d/.test(raw)) return { type: 'number', value: Number(raw) + 0 }; // integers have no -0
    if (/^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(raw) && !/^-?0\d/.test(raw)) return { type: 'number', value: Number(raw) };
    return this.fail(`Invalid number '${raw}'`);
  }

  private string(): string {
    const quote = this.text[this.pos++];
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.fail('Unterminated string');
      if (c === quote) return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      switch (e) {
        case '"':
        case "'":
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('Invalid \\u escape');
          out += String.fromCharCode(parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.fail(`Bad escape '\\${e ?? ''}'`);
      }
    }
  }

  private propertyName(): string {
    const c = this.text[this.pos];
    if (c === '"' || c === "'") return this.string();
    const start = this.pos;
    while (this.pos < this.text.length && /[\p{L}\p{Nd}_$]/u.test(this.text[this.pos]!)) this.pos++;
    if (this.pos === start) this.fail(c === undefined ? 'Unexpected end of the body' : `Unexpected character '${c}' where a property name was expected`);
    return this.text.slice(start, this.pos);
  }

  private object(): JsonNode {
    this.pos++;
    const props = new Map<string, JsonNode>();
    this.skipIgnorable();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { type: 'object', props };
    }
    for (;;) {
      this.skipIgnorable();
      const name = this.propertyName();
      this.skipIgnorable();
      if (this.text[this.pos] !== ':') this.fail(`Expected ':' after property '${name}'`);
      this.pos++;
      props.set(name, this.value()); // a repeated name replaces the earlier value, as JObject does
      this.skipIgnorable();
      const c = this.text[this.pos++];
      if (c === '}') return { type: 'object', props };
      if (c !== ',') this.fail(c === undefined ? 'Unexpected end of the body' : `Unexpected character '${c}' in an object`);
    }
  }

  private array(): JsonNode {
    this.pos++;
    const items: JsonNode[] = [];
    this.skipIgnorable();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return { type: 'array', items };
    }
    for (;;) {
      items.push(this.value());
      this.skipIgnorable();
      const c = this.text[this.pos++];
      if (c === ']') return { type: 'array', items };
      if (c !== ',') this.fail(c === undefined ? 'Unexpected end of the body' : `Unexpected character '${c}' in an array`);
    }
  }
}

/** JObject.Parse: the body must be one JSON object, optionally followed by whitespace and comments. */
export function parseJsonObject(text: string): JsonNode {
  const reader = new JsonReader(text);
  const root = reader.value();
  if (root.type !== 'object') throw new BodyReadError('JsonReaderException', 'The message body is not a JSON object.');
  reader.skipIgnorable();
  if (!reader.atEnd()) throw new BodyReadError('JsonReaderException', 'The message body has text after the JSON object.');
  return root;
}
