// Tokenizer for edgeHub route strings and WHERE conditions. It reproduces the lexer that
// edgeHub generates from GrammarLexer.g4 (one lexer serves routes and conditions), because the
// runtime's surprises start here: identifiers may contain + - * ! | ' . $ % &, so `temp+1` is one
// property name; `TRUE` is a property, not the literal `true`. Rule: at each position the longest
// match wins and ties go to the rule defined first. Offsets are 0-based UTF-16 indexes.

export enum T {
  EOF = -1,
  LBRACE = 1, // '{' (implicit parser literal, so it outranks every lexer rule)
  RBRACE,
  SELECT,
  FROM,
  WHERE,
  INTO,
  STRING,
  UNTERMINATED_STRING,
  INTEGER_LITERAL,
  HEX_INTEGER_LITERAL,
  REAL_LITERAL,
  TRUE,
  FALSE,
  NULL,
  UNDEFINED,
  LPAREN,
  RPAREN,
  COMMA,
  PLUS,
  MINUS,
  MUL,
  DIV,
  MOD,
  AND,
  OR,
  NOT,
  EQ,
  NE1, // !=
  NE2, // <>
  LE,
  GE,
  GT,
  LT,
  CONCAT,
  COALESCE,
  SYS_PROP,
  ID,
  QUERY_PATH,
  WS,
  COMMENT,
  UNKNOWN_CHAR,
}

export interface Token {
  type: T;
  text: string;
  /** 0-based offset of the first character. */
  offset: number;
  /** 0-based offset just past the last character. */
  end: number;
}

export interface LexResult {
  /** Tokens the parser sees, ending with an EOF token (whitespace and comments removed). */
  tokens: Token[];
  /** Comments: on a hidden channel in edgeHub, so they never affect parsing. */
  comments: Token[];
}

// Characters that end an identifier: ()<>@,;:\"/[]?={} and space, tab, CR, LF.
const NOT_ID = '()<>@,;:\\"/[]?={} \t\r\n';
// A query path (the part after `$`) may also contain [ and ], so it ends on fewer characters.
const NOT_QUERY_PATH = '()<>@,;:\\"/?={} \t\r\n';

// The lexer runs on every route of every file: characters are classed by code, through a
// table, and each rule is tried only where its first character can start it.
const code = (c: string): number => c.charCodeAt(0);
const ENDS_ID = 1;
const ENDS_QUERY_PATH = 2;
const STOPS = new Uint8Array(128);
for (const c of NOT_ID) STOPS[code(c)]! |= ENDS_ID;
for (const c of NOT_QUERY_PATH) STOPS[code(c)]! |= ENDS_QUERY_PATH;

const OPEN_BRACE = code('{');
const CLOSE_BRACE = code('}');
const DOLLAR = code('$');
const SLASH = code('/');
const STAR = code('*');
const DOT = code('.');
const MINUS = code('-');
const ZERO = code('0');
const NINE = code('9');
const DOUBLE_QUOTE = code('"');
const SINGLE_QUOTE = code("'");
const BACKSLASH = code('\\');
/** Compared with `c | 0x20`, the lower case of an ASCII letter. */
const LOWER_E = code('e');
const LOWER_U = code('u');
const LOWER_X = code('x');

function isDigitCode(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHexDigitCode(c: number): boolean {
  return isDigitCode(c) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

/** ASCII letters only: the grammar spells its words 'A' | 'a'. */
function isAsciiLetterCode(c: number): boolean {
  const lower = c | 0x20;
  return lower >= 0x61 && lower <= 0x7a;
}

function isWhitespaceCode(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a; // space, tab, CR, LF
}

/** Length of the run from `i` of characters that `stop` does not end. */
function runUntil(s: string, i: number, stop: number): number {
  let j = i;
  for (; j < s.length; j++) {
    const c = s.charCodeAt(j);
    if (c < 128 && (STOPS[c]! & stop) !== 0) break;
  }
  return j - i;
}

/** `word` (lower-case ASCII) at `i`, in any case; `(c | 0x20) === w` holds only for w and its upper case. */
function wordAt(s: string, i: number, word: string): boolean {
  if (i + word.length > s.length) return false;
  for (let k = 0; k < word.length; k++) if ((s.charCodeAt(i + k) | 0x20) !== word.charCodeAt(k)) return false;
  return true;
}

// Fixed spellings in rule order: the keywords, the word literals and and/or/not; keywords and
// and/or/not are case-insensitive, the literals are not. Each is tried only at its own first
// letter. None starts where a string, a number ('e5' is one) or a symbol can, so trying them
// together decides every tie as the grammar's order does.
interface Word {
  text: string;
  type: T;
  anyCase: boolean;
}
const WORDS: readonly Word[] = [
  { text: 'select', type: T.SELECT, anyCase: true },
  { text: 'from', type: T.FROM, anyCase: true },
  { text: 'where', type: T.WHERE, anyCase: true },
  { text: 'into', type: T.INTO, anyCase: true },
  { text: 'true', type: T.TRUE, anyCase: false },
  { text: 'false', type: T.FALSE, anyCase: false },
  { text: 'null', type: T.NULL, anyCase: false },
  { text: 'undefined', type: T.UNDEFINED, anyCase: false },
  { text: 'and', type: T.AND, anyCase: true },
  { text: 'or', type: T.OR, anyCase: true },
  { text: 'not', type: T.NOT, anyCase: true },
];
/** The words by the lower case of their first letter. */
const WORDS_BY_LETTER: readonly (readonly Word[])[] = Array.from({ length: 128 }, (_, letter) => WORDS.filter((word) => word.text.charCodeAt(0) === letter));

/** Single-character symbols by code; 0 where there is none. */
const SYMBOLS = new Int8Array(128);
for (const [symbol, type] of [
  ['(', T.LPAREN],
  [')', T.RPAREN],
  [',', T.COMMA],
  ['+', T.PLUS],
  ['-', T.MINUS],
  ['*', T.MUL],
  ['/', T.DIV],
  ['%', T.MOD],
] as const) {
  SYMBOLS[code(symbol)] = type;
}
const OPERATORS: ReadonlyArray<[string, T]> = [
  ['=', T.EQ],
  ['!=', T.NE1],
  ['<>', T.NE2],
  ['<=', T.LE],
  ['>=', T.GE],
  ['>', T.GT],
  ['<', T.LT],
  ['||', T.CONCAT],
  ['??', T.COALESCE],
];
/** 1 where an operator can start. */
const OPERATOR_STARTS = new Uint8Array(128);
for (const [op] of OPERATORS) OPERATOR_STARTS[code(op)] = 1;

/** Length of a quoted string starting at `i`: [terminated length or -1, unterminated length]. */
function matchString(s: string, i: number): [number, number] {
  const quote = s.charCodeAt(i);
  if (quote !== DOUBLE_QUOTE && quote !== SINGLE_QUOTE) return [-1, -1];
  let j = i + 1;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === quote) return [j + 1 - i, j - i];
    if (c === BACKSLASH) {
      const n = s.charCodeAt(j + 1);
      if (n === DOUBLE_QUOTE || n === SINGLE_QUOTE || n === BACKSLASH) {
        j += 2;
        continue;
      }
      if (n === LOWER_U && isHexDigitCode(s.charCodeAt(j + 2)) && isHexDigitCode(s.charCodeAt(j + 3)) && isHexDigitCode(s.charCodeAt(j + 4)) && isHexDigitCode(s.charCodeAt(j + 5))) {
        j += 6;
        continue;
      }
      return [-1, j - i]; // a bad escape ends both string rules before the backslash
    }
    j++;
  }
  return [-1, j - i];
}

function digitsFrom(s: string, i: number): number {
  let j = i;
  while (isDigitCode(s.charCodeAt(j))) j++;
  return j - i;
}

/** EXP: [Ee] [+-]? [0-9]+ ; returns its length at i, or 0. */
function exponentAt(s: string, i: number): number {
  if ((s.charCodeAt(i) | 0x20) !== LOWER_E) return 0;
  let j = i + 1;
  if (s[j] === '+' || s[j] === '-') j++;
  const d = digitsFrom(s, j);
  return d > 0 ? j + d - i : 0;
}

function matchInteger(s: string, i: number): number {
  const sign = s.charCodeAt(i) === MINUS ? 1 : 0;
  const d = digitsFrom(s, i + sign);
  return d > 0 ? sign + d : 0;
}

function matchHex(s: string, i: number): number {
  if (s.charCodeAt(i) !== ZERO || (s.charCodeAt(i + 1) | 0x20) !== LOWER_X) return 0;
  let j = i + 2;
  while (isHexDigitCode(s.charCodeAt(j))) j++;
  return j > i + 2 ? j - i : 0;
}

function matchReal(s: string, i: number): number {
  let j = i;
  if (s.charCodeAt(j) === MINUS) j++;
  j += digitsFrom(s, j);
  let best = 0;
  // '-'? [0-9]* '.' [0-9]+ EXP?
  if (s.charCodeAt(j) === DOT) {
    const frac = digitsFrom(s, j + 1);
    if (frac > 0) {
      const k = j + 1 + frac;
      best = k + exponentAt(s, k) - i;
    }
  }
  // '-'? [0-9]* EXP
  const e = exponentAt(s, j);
  if (e > 0) best = Math.max(best, j + e - i);
  return best;
}

function matchComment(s: string, i: number): number {
  if (s.charCodeAt(i) !== SLASH || s.charCodeAt(i + 1) !== STAR) return 0;
  const close = s.indexOf('*/', i + 2);
  return close < 0 ? 0 : close + 2 - i;
}

function matchWhitespace(s: string, i: number): number {
  let j = i;
  while (isWhitespaceCode(s.charCodeAt(j))) j++;
  return j - i;
}

interface Match {
  type: T;
  length: number;
}

/** Keeps the longer match; on a tie the rule offered first (listed first in the grammar) stays. */
function offer(best: Match, type: T, length: number): void {
  if (length > best.length) {
    best.type = type;
    best.length = length;
  }
}

/** The longest match at i; ties resolved in favour of the rule listed first. */
function nextToken(s: string, i: number): Match {
  const best: Match = { type: T.UNKNOWN_CHAR, length: 0 };
  const c = s.charCodeAt(i);
  if (c === OPEN_BRACE) offer(best, T.LBRACE, 1);
  if (c === CLOSE_BRACE) offer(best, T.RBRACE, 1);
  if (isAsciiLetterCode(c)) {
    for (const word of WORDS_BY_LETTER[c | 0x20]!) {
      if (word.anyCase ? wordAt(s, i, word.text) : s.startsWith(word.text, i)) offer(best, word.type, word.text.length);
    }
  }
  if (c === DOUBLE_QUOTE || c === SINGLE_QUOTE) {
    const [terminated, unterminated] = matchString(s, i);
    if (terminated > 0) offer(best, T.STRING, terminated);
    if (unterminated > 0) offer(best, T.UNTERMINATED_STRING, unterminated);
  }
  const numeric = c === MINUS || isDigitCode(c);
  if (numeric) offer(best, T.INTEGER_LITERAL, matchInteger(s, i));
  if (c === ZERO) offer(best, T.HEX_INTEGER_LITERAL, matchHex(s, i));
  if (numeric || c === DOT || (c | 0x20) === LOWER_E) offer(best, T.REAL_LITERAL, matchReal(s, i));
  const symbol = c < 128 ? SYMBOLS[c]! : 0;
  if (symbol !== 0) offer(best, symbol, 1);
  if (c < 128 && OPERATOR_STARTS[c] === 1) for (const [op, type] of OPERATORS) if (s.startsWith(op, i)) offer(best, type, op.length);
  if (c === DOLLAR) {
    const path = runUntil(s, i + 1, ENDS_QUERY_PATH);
    if (path > 0) offer(best, T.SYS_PROP, path + 1);
  }
  // A query path ends on fewer characters than an identifier, so it runs on from where the identifier stops.
  const id = runUntil(s, i, ENDS_ID);
  offer(best, T.ID, id);
  offer(best, T.QUERY_PATH, id + runUntil(s, i + id, ENDS_QUERY_PATH));
  if (isWhitespaceCode(c)) offer(best, T.WS, matchWhitespace(s, i));
  if (c === SLASH) offer(best, T.COMMENT, matchComment(s, i));
  offer(best, T.UNKNOWN_CHAR, 1);
  return best;
}

/** Tokenizes a route or condition exactly as edgeHub's generated lexer does. */
export function lex(text: string): LexResult {
  const tokens: Token[] = [];
  const comments: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const { type, length } = nextToken(text, i);
    const token: Token = { type, text: text.slice(i, i + length), offset: i, end: i + length };
    if (type === T.COMMENT) comments.push(token);
    else if (type !== T.WS) tokens.push(token);
    i += length;
  }
  tokens.push({ type: T.EOF, text: '<EOF>', offset: text.length, end: text.length });
  return { tokens, comments };
}

/** A short human name for a token, for error messages. */
export function describeToken(token: Token): string {
  if (token.type === T.EOF) return 'the end of the text';
  const shown = token.text.length > 30 ? `${token.text.slice(0, 27)}...` : token.text;
  return `'${shown}'`;
}
