// Reads text the way edgeAgent's JSON reader (Newtonsoft.Json's JsonTextReader, default
// settings) does when JSON.parse refuses it, and says where it departs from JSON. edgeAgent
// deserialises createOptions with JsonConvert.DeserializeObject, so these texts still create
// the container; only tools that read createOptions as JSON refuse them.
// Facts (Newtonsoft.Json Src/Newtonsoft.Json/JsonTextReader.cs): property names may be
// unquoted (letters, digits, `_` and `$`, ended by whitespace or `:`) or in single quotes;
// strings may be in single quotes, hold raw control characters and the escape \'; `//` and
// `/* */` comments may stand wherever whitespace may; a comma may come before `}` or `]`;
// any Unicode whitespace separates tokens. Its rarer extensions (NaN, Infinity, undefined,
// `new Date(…)`, empty array items, hex numbers) are not read here: such text stays an error.

export type Leniency = 'unquotedName' | 'singleQuotes' | 'comment' | 'trailingComma' | 'controlCharacter' | 'escapedApostrophe' | 'unusualWhitespace';

export interface LenientRead {
  value: unknown;
  /** Each place the text is not JSON, in text order: what it is and its offset. */
  departures: { leniency: Leniency; offset: number; text: string }[];
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const NAME_CHAR = /[\p{L}\p{N}_$]/u;
const JSON_WHITESPACE = new Set([' ', '\t', '\n', '\r']);
const ESCAPES: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '\\': '\\', '"': '"', "'": "'", '/': '/' };

/** Deeper text is left to the strict parser's explanation: no createOptions nests this deep, and recursion must stay bounded. */
const MAX_DEPTH = 100;

class NotReadable extends Error {}

/** The value Newtonsoft.Json reads from `text`, or undefined when it would refuse the text too. */
export function readLikeNewtonsoft(text: string): LenientRead | undefined {
  const reader = new Reader(text);
  try {
    reader.skipSpace();
    const value = reader.value();
    reader.skipSpace();
    if (reader.position < text.length) return undefined;
    return { value, departures: reader.departures };
  } catch (error) {
    if (error instanceof NotReadable) return undefined;
    throw error;
  }
}

class Reader {
  position = 0;
  private depth = 0;
  readonly departures: LenientRead['departures'] = [];

  constructor(private readonly text: string) {}

  private depart(leniency: Leniency, offset: number, text: string): void {
    this.departures.push({ leniency, offset, text });
  }

  private fail(): never {
    throw new NotReadable();
  }

  /** Whitespace and comments, wherever Newtonsoft.Json skips them between tokens. */
  skipSpace(comments = true): void {
    const text = this.text;
    while (this.position < text.length) {
      const char = text[this.position]!;
      if (JSON_WHITESPACE.has(char)) {
        this.position++;
      } else if (/\s/u.test(char)) {
        this.depart('unusualWhitespace', this.position, char);
        this.position++;
      } else if (comments && char === '/' && (text[this.position + 1] === '/' || text[this.position + 1] === '*')) {
        const start = this.position;
        if (text[start + 1] === '/') {
          const end = text.slice(start).search(/[\r\n]/);
          this.position = end < 0 ? text.length : start + end;
        } else {
          const end = text.indexOf('*/', start + 2);
          if (end < 0) this.fail();
          this.position = end + 2;
        }
        this.depart('comment', start, text.slice(start, Math.min(this.position, start + 20)));
      } else {
        return;
      }
    }
  }

  value(): unknown {
    const text = this.text;
    const char = text[this.position];
    if (char === '{' || char === '[') {
      if (++this.depth > MAX_DEPTH) this.fail();
      const value = char === '{' ? this.object() : this.array();
      this.depth--;
      return value;
    }
    if (char === '"' || char === "'") return this.string();
    for (const [word, value] of [['true', true], ['false', false], ['null', null]] as const) {
      if (text.startsWith(word, this.position)) {
        this.position += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.position;
    const number = NUMBER.exec(text);
    if (!number) this.fail();
    this.position += number[0].length;
    return Number(number[0]);
  }

  private object(): Record<string, unknown> {
    const result: Record<string, unknown> = {};
    this.position++; // {
    this.skipSpace();
    if (this.text[this.position] === '}') {
      this.position++;
      return result;
    }
    for (;;) {
      const key = this.name();
      this.skipSpace(false); // Newtonsoft.Json allows no comment between a name and its colon
      if (this.text[this.position] !== ':') this.fail();
      this.position++;
      this.skipSpace();
      // A key such as "__proto__" must stay an own property, as JSON.parse keeps it.
      Object.defineProperty(result, key, { value: this.value(), enumerable: true, writable: true, configurable: true });
      this.skipSpace();
      const next = this.text[this.position];
      if (next === '}') {
        this.position++;
        return result;
      }
      if (next !== ',') this.fail();
      const comma = this.position++;
      this.skipSpace();
      if (this.text[this.position] === '}') {
        this.depart('trailingComma', comma, ',');
        this.position++;
        return result;
      }
    }
  }

  private array(): unknown[] {
    const result: unknown[] = [];
    this.position++; // [
    this.skipSpace();
    if (this.text[this.position] === ']') {
      this.position++;
      return result;
    }
    for (;;) {
      result.push(this.value());
      this.skipSpace();
      const next = this.text[this.position];
      if (next === ']') {
        this.position++;
        return result;
      }
      if (next !== ',') this.fail();
      const comma = this.position++;
      this.skipSpace();
      if (this.text[this.position] === ']') {
        this.depart('trailingComma', comma, ',');
        this.position++;
        return result;
      }
    }
  }

  private name(): string {
    const char = this.text[this.position];
    if (char === '"' || char === "'") return this.string();
    const start = this.position;
    while (this.position < this.text.length && NAME_CHAR.test(this.text[this.position]!)) this.position++;
    if (this.position === start) this.fail();
    const end = this.text[this.position];
    if (end !== ':' && !(end !== undefined && /\s/u.test(end))) this.fail();
    const name = this.text.slice(start, this.position);
    this.depart('unquotedName', start, name);
    return name;
  }

  private string(): string {
    const text = this.text;
    const quote = text[this.position]!;
    const start = this.position++;
    if (quote === "'") this.depart('singleQuotes', start, "'");
    let result = '';
    for (;;) {
      if (this.position >= text.length) this.fail();
      const char = text[this.position]!;
      if (char === quote) {
        this.position++;
        return result;
      }
      if (char === '\\') {
        const escape = text[this.position + 1];
        if (escape === 'u') {
          const hex = text.slice(this.position + 2, this.position + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail();
          result += String.fromCharCode(parseInt(hex, 16));
          this.position += 6;
          continue;
        }
        if (escape === undefined || !(escape in ESCAPES)) this.fail();
        if (escape === "'" && quote === '"') this.depart('escapedApostrophe', this.position, "\\'");
        result += ESCAPES[escape];
        this.position += 2;
        continue;
      }
      if (char < ' ') this.depart('controlCharacter', this.position, char);
      result += char;
      this.position++;
    }
  }
}
