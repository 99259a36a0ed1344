// Reads a .env file the way python-dotenv (which iotedgedev uses) does:
// - `KEY=value`, `export KEY=value`, spaces around `=`, `#` comment lines, blank lines;
// - unquoted values end at ` #` (an inline comment) and are trimmed;
// - 'single quotes' are literal (only \' and \\ are unescaped);
// - "double quotes" decode \n \t \r \" \\ and may span lines;
// - ${VAR} and ${VAR:-default} are interpolated in unquoted and double-quoted values, from the
//   real environment first and then from earlier lines (load_dotenv(override=False)).
// A line that cannot be read is skipped and reported, as python-dotenv warns and goes on.

export interface DotenvProblem {
  line: number;
  message: string;
}

export interface DotenvResult {
  values: Map<string, string>;
  problems: DotenvProblem[];
}

const KEY = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/;
const DOUBLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', "'": "'", a: '\x07', b: '\b', f: '\f', v: '\v' };

export function parseDotenv(text: string, environment: Readonly<Record<string, string | undefined>> = {}): DotenvResult {
  const values = new Map<string, string>();
  const problems: DotenvProblem[] = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset: number): number => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    return line + 1;
  };

  let position = 0;
  while (position < text.length) {
    const end = text.indexOf('\n', position);
    const lineEnd = end === -1 ? text.length : end;
    const line = text.slice(position, lineEnd).replace(/\r$/, '');
    if (/^\s*(#.*)?$/.test(line)) {
      position = lineEnd + 1;
      continue;
    }
    const key = KEY.exec(line);
    if (!key) {
      // python-dotenv accepts a bare KEY (no value): it sets nothing.
      if (!/^[ \t]*(?:export[ \t]+)?[A-Za-z_][A-Za-z0-9_.-]*[ \t]*$/.test(line)) problems.push({ line: lineOf(position), message: `cannot read "${line.trim()}"; write KEY=value` });
      position = lineEnd + 1;
      continue;
    }
    const name = key[1]!;
    const valueStart = position + key[0].length;
    const quote = text[valueStart];
    if (quote === '"' || quote === "'") {
      const closing = findClosingQuote(text, valueStart + 1, quote);
      if (closing === -1) {
        problems.push({ line: lineOf(position), message: `the value of ${name} opens a ${quote === '"' ? 'double' : 'single'} quote that is never closed` });
        position = lineEnd + 1;
        continue;
      }
      const raw = text.slice(valueStart + 1, closing);
      const value = quote === "'" ? raw.replace(/\\([\\'])/g, '$1') : interpolate(raw.replace(/\\(.)/g, (whole, char: string) => DOUBLE_ESCAPES[char] ?? whole), values, environment);
      values.set(name, value);
      const after = text.indexOf('\n', closing);
      const rest = text.slice(closing + 1, after === -1 ? text.length : after).replace(/\r$/, '');
      if (!/^\s*(#.*)?$/.test(rest)) problems.push({ line: lineOf(closing), message: `unexpected text after the quoted value of ${name}: "${rest.trim()}"` });
      position = after === -1 ? text.length : after + 1;
      continue;
    }
    const raw = text.slice(valueStart, lineEnd).replace(/\r$/, '');
    values.set(name, interpolate(raw.replace(/\s+#.*$/, '').trimEnd(), values, environment));
    position = lineEnd + 1;
  }
  return { values, problems };
}

function findClosingQuote(text: string, from: number, quote: string): number {
  for (let i = from; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === quote) return i;
  }
  return -1;
}

/** ${VAR} and ${VAR:-default}; the real environment wins over earlier lines, an unknown name is empty. */
function interpolate(value: string, earlier: ReadonlyMap<string, string>, environment: Readonly<Record<string, string | undefined>>): string {
  return value.replace(/\$\{([^}:]+)(?::-([^}]*))?\}/g, (_whole, name: string, fallback: string | undefined) => {
    const found = environment[name] ?? earlier.get(name);
    return found ?? fallback ?? '';
  });
}
