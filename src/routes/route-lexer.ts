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
const NOT_ID = new Set('()<>@,;:\\"/[]?={} \t\r\n');
// A query path (the part after `$`) may also contain [ and ].
const NOT_QUERY_PATH = new Set('()<>@,;:\\"/?={} \t\r\n');

function isIdChar(c: string): boolean {
  return !NOT_ID.has(c);
}

function isQueryPathChar(c: string): boolean {
  return !NOT_QUERY_PATH.has(c);
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= '0' && c <= '9';
}

function isHexDigit(c: string | undefined): boolean {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c);
}

// Fixed spellings in rule order; the first three lists are case-insensitive keywords.
const KEYWORDS: ReadonlyArray<[string, T]> = [
  ['select', T.SELECT],
  ['from', T.FROM],
  ['where', T.WHERE],
  ['into', T.INTO],
];
const WORD_LITERALS: ReadonlyArray<[string, T]> = [
  ['true', T.TRUE],
  ['false', T.FALSE],
  ['null', T.NULL],
  ['undefined', T.UNDEFINED],
];
const SYMBOLS: ReadonlyArray<[string, T]> = [
  ['(', T.LPAREN],
  [')', T.RPAREN],
  [',', T.COMMA],
  ['+', T.PLUS],
  ['-', T.MINUS],
  ['*', T.MUL],
  ['/', T.DIV],
  ['%', T.MOD],
];
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

/** Length of a quoted string starting at `i`: [terminated length or -1, unterminated length]. */
function matchString(s: string, i: number): [number, number] {
  const quote = s[i];
  if (quote !== '"' && quote !== "'") return [-1, -1];
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === quote) return [j + 1 - i, j - i];
    if (c === '\\') {
      const n = s[j + 1];
      if (n === '"' || n === "'" || n === '\\') {
        j += 2;
        continue;
      }
      if (n === 'u' && isHexDigit(s[j + 2]) && isHexDigit(s[j + 3]) && isHexDigit(s[j + 4]) && isHexDigit(s[j + 5])) {
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
  while (isDigit(s[j])) j++;
  return j - i;
}

/** EXP: [Ee] [+-]? [0-9]+ ; returns its length at i, or 0. */
function exponentAt(s: string, i: number): number {
  if (s[i] !== 'e' && s[i] !== 'E') return 0;
  let j = i + 1;
  if (s[j] === '+' || s[j] === '-') j++;
  const d = digitsFrom(s, j);
  return d > 0 ? j + d - i : 0;
}

function matchInteger(s: string, i: number): number {
  const sign = s[i] === '-' ? 1 : 0;
  const d = digitsFrom(s, i + sign);
  return d > 0 ? sign + d : 0;
}

function matchHex(s: string, i: number): number {
  if (s[i] !== '0' || (s[i + 1] !== 'x' && s[i + 1] !== 'X')) return 0;
  let j = i + 2;
  while (isHexDigit(s[j])) j++;
  return j > i + 2 ? j - i : 0;
}

function matchReal(s: string, i: number): number {
  let j = i;
  if (s[j] === '-') j++;
  j += digitsFrom(s, j);
  let best = 0;
  // '-'? [0-9]* '.' [0-9]+ EXP?
  if (s[j] === '.') {
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

function matchRun(s: string, i: number, accept: (c: string) => boolean): number {
  let j = i;
  while (j < s.length && accept(s[j]!)) j++;
  return j - i;
}

function matchComment(s: string, i: number): number {
  if (s[i] !== '/' || s[i + 1] !== '*') return 0;
  const close = s.indexOf('*/', i + 2);
  return close < 0 ? 0 : close + 2 - i;
}

function matchWhitespace(s: string, i: number): number {
  return matchRun(s, i, (c) => c === ' ' || c === '\t' || c === '\r' || c === '\n');
}

/** The longest match at i; ties resolved in favour of the rule listed first. */
function nextToken(s: string, i: number): { type: T; length: number } {
  let bestType = T.UNKNOWN_CHAR;
  let bestLength = 0;
  const offer = (type: T, length: number): void => {
    if (length > bestLength) {
      bestType = type;
      bestLength = length;
    }
  };
  const c = s[i]!;
  if (c === '{') offer(T.LBRACE, 1);
  if (c === '}') offer(T.RBRACE, 1);
  for (const [word, type] of KEYWORDS) {
    if (s.slice(i, i + word.length).toLowerCase() === word && isAsciiWord(s.slice(i, i + word.length))) offer(type, word.length);
  }
  const [terminated, unterminated] = matchString(s, i);
  if (terminated > 0) offer(T.STRING, terminated);
  if (unterminated > 0) offer(T.UNTERMINATED_STRING, unterminated);
  offer(T.INTEGER_LITERAL, matchInteger(s, i));
  offer(T.HEX_INTEGER_LITERAL, matchHex(s, i));
  offer(T.REAL_LITERAL, matchReal(s, i));
  for (const [word, type] of WORD_LITERALS) if (s.startsWith(word, i)) offer(type, word.length);
  for (const [symbol, type] of SYMBOLS) if (c === symbol) offer(type, 1);
  for (const [word, type] of [['and', T.AND], ['or', T.OR], ['not', T.NOT]] as const) {
    const candidate = s.slice(i, i + word.length);
    if (candidate.toLowerCase() === word && isAsciiWord(candidate)) offer(type, word.length);
  }
  for (const [op, type] of OPERATORS) if (s.startsWith(op, i)) offer(type, op.length);
  if (c === '$') {
    const path = matchRun(s, i + 1, isQueryPathChar);
    if (path > 0) offer(T.SYS_PROP, path + 1);
  }
  offer(T.ID, matchRun(s, i, isIdChar));
  offer(T.QUERY_PATH, matchRun(s, i, isQueryPathChar));
  offer(T.WS, matchWhitespace(s, i));
  offer(T.COMMENT, matchComment(s, i));
  offer(T.UNKNOWN_CHAR, 1);
  return { type: bestType, length: bestLength };
}

// Keyword fragments only accept ASCII letters (the grammar spells them 'A' | 'a').
function isAsciiWord(text: string): boolean {
  return /^[A-Za-z]+$/.test(text);
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
