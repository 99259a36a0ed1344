// Number and string conversions exactly as edgeHub's .NET code performs them: number literals
// go through double.TryParse / long.TryParse (so the literal `e5` lexes as a number but parses to
// nothing, i.e. undefined), as_number() uses double.TryParse with NumberStyles.Any (which accepts
// "1,000", "(5)" and "5-"), and string literals are unescaped with edgeHub's two regex passes.

const WHITE = new Set(['\t', '\n', '\u000b', '\f', '\r', ' ']);

/** double.TryParse(text, NumberStyles.Any, CultureInfo.InvariantCulture); NaN when it fails. */
export function parseDoubleAny(text: string | null): number {
  if (text === null) return NaN;
  let start = 0;
  let end = text.length;
  while (start < end && WHITE.has(text[start]!)) start++;
  while (end > start && WHITE.has(text[end - 1]!)) end--;
  let s = text.slice(start, end);
  const special = parseSpecialSymbol(s);
  if (special !== undefined) return special;
  let negative = false;
  let signSeen = false;
  // Currency symbol of the invariant culture, accepted before or after the number.
  const stripCurrency = (): void => {
    if (s.startsWith('\u00a4')) s = s.slice(1).replace(/^[\t\n\u000b\f\r ]+/, '');
    if (s.endsWith('\u00a4')) s = s.slice(0, -1).replace(/[\t\n\u000b\f\r ]+$/, '');
  };
  stripCurrency();
  if (s.startsWith('(') && s.endsWith(')')) {
    negative = true;
    signSeen = true;
    s = s.slice(1, -1);
    stripCurrency();
  }
  if (!signSeen && (s.startsWith('+') || s.startsWith('-'))) {
    negative = s[0] === '-';
    signSeen = true;
    s = s.slice(1);
    stripCurrency();
  }
  if (!signSeen && (s.endsWith('+') || s.endsWith('-'))) {
    negative = s.endsWith('-');
    s = s.slice(0, -1);
    stripCurrency();
  }
  // Digits with optional group separators, an optional fraction and an optional exponent.
  const match = /^(\d[\d,]*)?(\.\d*)?([eE][+-]?\d+)?$/.exec(s);
  if (!match || s === '' || s === '.') return NaN;
  const integral = (match[1] ?? '').replace(/,/g, '');
  const fraction = match[2] ?? '';
  if (integral === '' && fraction.length <= 1) return NaN;
  const value = Number(`${integral || '0'}${fraction === '.' ? '' : fraction}${match[3] ?? ''}`);
  return negative ? -value : value;
}

function parseSpecialSymbol(s: string): number | undefined {
  switch (s.toLowerCase()) {
    case 'infinity':
    case '+infinity':
    case '\u221e':
    case '+\u221e':
      return Infinity;
    case '-infinity':
    case '-\u221e':
      return -Infinity;
    case 'nan':
    case '+nan':
    case '-nan':
      return NaN;
    default:
      return undefined;
  }
}

/** Value of an INTEGER_LITERAL or REAL_LITERAL token (NaN when .NET rejects it, e.g. `e5`). */
export function parseDecimalLiteral(text: string): number {
  if (/^-?[eE]/.test(text)) return NaN; // an exponent with no digits before it
  return Number(text);
}

/** Value of a HEX_INTEGER_LITERAL token: long.TryParse(digits, HexNumber), as a double. */
export function parseHexLiteral(text: string): number {
  const digits = text.slice(2).replace(/^0+/, '');
  if (digits.length > 16) return NaN; // overflows a 64-bit long
  if (digits === '') return 0;
  return Number(BigInt.asIntN(64, BigInt(`0x${digits}`)));
}

/** edgeHub's Unescape: first \uXXXX (either case of u), then \" \' \\ ; everything else stays. */
export function unescapeStringLiteral(inner: string): string {
  const pass1 = inner.replace(/\\[Uu]([0-9A-Fa-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return pass1.replace(/\\(["'\\])/g, (_, c: string) => c);
}
