// `$body.<path>` and twin_change_includes(<path>): the path check edgeHub runs when it compiles a
// route (its small JsonPath grammar: names, `name[int]`, separated by dots), and the lookup it
// runs per message (Newtonsoft's SelectTokens on the parsed body). The compile-time check accepts a
// valid prefix and ignores the rest (`a[0]x` passes); the lookup then reads the whole path, and
// any path syntax it rejects makes the value undefined.
import { BodyReadError, type JsonNode } from './message-body.js';
import { QUERY_NULL_NO_MATCH, queryValue, type QueryValue } from './route-values.js';

export type PathCheck = { ok: true } | { ok: false; message: string };

// JsonPath.g4 lexer: '.', '[', ']', INT, IDENTIFIER (spaces are identifier characters), tabs and
// newlines skipped; any other character is a lexer error, which ANTLR reports and skips.
const NOT_IDENTIFIER = new Set('()<>@,;:\\"/[]?={}.\t\n\r');

type PathToken = { type: '.' | '[' | ']' | 'INT' | 'ID' | 'EOF'; text: string };

function lexJsonPath(path: string): PathToken[] {
  const tokens: PathToken[] = [];
  let i = 0;
  while (i < path.length) {
    const c = path[i]!;
    if (c === '.' || c === '[' || c === ']') {
      tokens.push({ type: c, text: c });
      i++;
      continue;
    }
    let id = i;
    while (id < path.length && !NOT_IDENTIFIER.has(path[id]!)) id++;
    let digits = i;
    while (digits < path.length && path[digits]! >= '0' && path[digits]! <= '9') digits++;
    if (id > i || digits > i) {
      // Longest match; INT is listed first so it wins a tie.
      if (digits >= id) tokens.push({ type: 'INT', text: path.slice(i, digits) });
      else tokens.push({ type: 'ID', text: path.slice(i, id) });
      i = Math.max(id, digits);
      continue;
    }
    i++; // tab/newline (skipped) or a character the lexer rejects (reported to the console, skipped)
  }
  tokens.push({ type: 'EOF', text: '<EOF>' });
  return tokens;
}

/** JsonPathValidator.IsSupportedJsonPath: `name([int])? (. name([int])?)*`, trailing text ignored. */
export function checkBodyPath(path: string): PathCheck {
  const tokens = lexJsonPath(path);
  let pos = 0;
  const fail = (expected: string): PathCheck => ({
    ok: false,
    message: `'${path}' is not a supported body path: expected ${expected} but found ${tokens[pos]!.type === 'EOF' ? 'the end' : `'${tokens[pos]!.text}'`}; use names and [index] separated by dots, like a.b[0].c.`,
  });
  for (;;) {
    if (tokens[pos]!.type !== 'ID') return fail('a property name');
    pos++;
    if (tokens[pos]!.type === '[') {
      pos++;
      if (tokens[pos]!.type !== 'INT') return fail('an array index');
      pos++;
      if (tokens[pos]!.type !== ']') return fail("']'");
      pos++;
    }
    if (tokens[pos]!.type !== '.') return { ok: true };
    pos++;
  }
}

const TWIN_PREFIXES = ['properties.reported.', 'properties.desired.', 'tags.'];

/** TwinChangeJsonPathValidator: a body path that starts with one of the twin sections (any case). */
export function checkTwinChangePath(path: string): PathCheck {
  const body = checkBodyPath(path);
  if (!body.ok) return body;
  if (!TWIN_PREFIXES.some((prefix) => path.toLowerCase().startsWith(prefix))) {
    return { ok: false, message: `'${path}' is not supported: twin_change_includes paths must start with ${TWIN_PREFIXES.map((p) => `'${p}'`).join(', ')}.` };
  }
  return { ok: true };
}

type Filter =
  | { kind: 'field'; name: string | null } // null: every property (`*`)
  | { kind: 'index'; index: number }
  | { kind: 'indexes'; indexes: number[] }
  | { kind: 'slice'; start?: number; end?: number; step: number }
  | { kind: 'fields'; names: string[] }
  | { kind: 'allItems' };

class PathSyntaxError extends Error {}

/** Newtonsoft's JPath parser, for the path shapes a condition can contain. */
function parsePath(expression: string): Filter[] {
  const filters: Filter[] = [];
  let i = 0;
  while (i < expression.length && expression[i] === ' ') i++;
  if (i === expression.length) return filters;
  if (expression[i] === '$') {
    if (expression.length === i + 1) return filters;
    const next = expression[i + 1];
    if (next === '.' || next === '[') i++;
  }
  let partStart = i;
  let followingIndexer = false;
  let followingDot = false;
  let ended = false;
  const addMember = (end: number): void => {
    const member = expression.slice(partStart, end).trimEnd();
    filters.push({ kind: 'field', name: member === '*' ? null : member });
  };
  while (i < expression.length && !ended) {
    const c = expression[i]!;
    if (c === '[' || c === '(') {
      if (i > partStart) addMember(i);
      i = parseIndexer(expression, i, filters);
      partStart = i;
      followingIndexer = true;
      followingDot = false;
    } else if (c === ']' || c === ')' || c === ' ') {
      ended = true;
    } else if (c === '.') {
      if (i > partStart) addMember(i);
      if (expression[i + 1] === '.') throw new PathSyntaxError('recursive descent is not supported here');
      i++;
      partStart = i;
      followingIndexer = false;
      followingDot = true;
    } else {
      if (followingIndexer) throw new PathSyntaxError(`Unexpected character following indexer: ${c}`);
      i++;
    }
  }
  if (i > partStart) addMember(i);
  else if (followingDot && i === expression.length) throw new PathSyntaxError('Unexpected end while parsing path.');
  while (i < expression.length && expression[i] === ' ') i++;
  if (i < expression.length) throw new PathSyntaxError(`Unexpected character while parsing path: ${expression[i]}`);
  return filters;
}

/** Parses `[...]` (or `(...)`) at `open`; returns the index after the closing character. */
function parseIndexer(expression: string, open: number, filters: Filter[]): number {
  const close = expression[open] === '[' ? ']' : ')';
  const end = expression.indexOf(close, open + 1);
  if (end < 0) throw new PathSyntaxError('Path ended with open indexer.');
  const content = expression.slice(open + 1, end).trim();
  if (content.startsWith('?')) throw new PathSyntaxError('filter expressions are not supported in routes');
  if (content.startsWith("'")) {
    const names = content.split(',').map((part) => {
      const name = part.trim();
      if (!/^'.*'$/.test(name)) throw new PathSyntaxError(`Unexpected character while parsing path indexer: ${name}`);
      return name.slice(1, -1);
    });
    filters.push({ kind: 'fields', names });
  } else if (content === '*') {
    filters.push({ kind: 'allItems' });
  } else if (content.includes(':')) {
    const parts = content.split(':').map((p) => p.trim());
    if (parts.length > 3 || parts.some((p) => p !== '' && !/^-?\d+$/.test(p))) throw new PathSyntaxError(`Invalid slice: ${content}`);
    const step = parts[2] ? Number(parts[2]) : 1;
    if (step === 0) throw new PathSyntaxError('Step cannot be zero.');
    const slice: Filter = { kind: 'slice', step };
    if (parts[0]) slice.start = Number(parts[0]);
    if (parts[1]) slice.end = Number(parts[1]);
    filters.push(slice);
  } else {
    const parts = content.split(',').map((p) => p.trim());
    if (parts.some((p) => !/^-?\d+$/.test(p))) throw new PathSyntaxError(`Unexpected character while parsing path indexer: ${content}`);
    const indexes = parts.map(Number);
    filters.push(indexes.length === 1 ? { kind: 'index', index: indexes[0]! } : { kind: 'indexes', indexes });
  }
  return end + 1;
}

function children(node: JsonNode): JsonNode[] {
  if (node.type === 'object') return [...node.props.values()];
  if (node.type === 'array') return node.items;
  return [];
}

function itemAt(node: JsonNode, index: number): JsonNode | undefined {
  if (node.type !== 'array') return undefined;
  if (index < 0) throw new PathSyntaxError('Index was out of range.'); // JArray[-1] throws in .NET
  return node.items[index];
}

function applyFilter(nodes: JsonNode[], filter: Filter): JsonNode[] {
  const out: JsonNode[] = [];
  for (const node of nodes) {
    switch (filter.kind) {
      case 'field':
        if (node.type !== 'object') break;
        if (filter.name === null) out.push(...node.props.values());
        else if (node.props.has(filter.name)) out.push(node.props.get(filter.name)!);
        break;
      case 'fields':
        if (node.type !== 'object') break;
        for (const name of filter.names) if (node.props.has(name)) out.push(node.props.get(name)!);
        break;
      case 'allItems':
        out.push(...children(node));
        break;
      case 'index': {
        const item = itemAt(node, filter.index);
        if (item) out.push(item);
        break;
      }
      case 'indexes':
        for (const index of filter.indexes) {
          const item = itemAt(node, index);
          if (item) out.push(item);
        }
        break;
      case 'slice': {
        if (node.type !== 'array') break;
        const count = node.items.length;
        const step = filter.step;
        const clamp = (v: number): number => (v < 0 ? Math.max(0, count + v) : Math.min(v, count));
        let start = filter.start === undefined ? (step > 0 ? 0 : count - 1) : clamp(filter.start);
        const stop = filter.end === undefined ? (step > 0 ? count : -1) : clamp(filter.end);
        if (step < 0 && filter.start !== undefined && start >= count) start = count - 1;
        for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(node.items[i]!);
        break;
      }
    }
  }
  return out;
}

/**
 * message.GetQueryValue(path) on an already parsed body: no match gives QUERY_NULL_NO_MATCH,
 * several matches or an object/array give an 'object' value, a leaf gives its value.
 * Throws when the path syntax is not accepted by Newtonsoft.
 */
export function lookupQueryValue(root: JsonNode, path: string): QueryValue {
  let filters: Filter[];
  try {
    filters = parsePath(path);
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new BodyReadError('ArgumentException', error.message);
    throw error;
  }
  let nodes: JsonNode[] = [root];
  try {
    for (const filter of filters) nodes = applyFilter(nodes, filter);
  } catch (error) {
    if (error instanceof PathSyntaxError) throw new BodyReadError('ArgumentException', error.message);
    throw error;
  }
  if (nodes.length === 0) return QUERY_NULL_NO_MATCH;
  if (nodes.length > 1) return queryValue('object', nodes);
  const node = nodes[0]!;
  switch (node.type) {
    case 'boolean':
      return queryValue('bool', node.value ? 1 : -1);
    case 'number':
      return queryValue('double', node.value);
    case 'string':
      return queryValue('string', node.value);
    case 'null':
      return queryValue('null', null);
    default:
      return queryValue('object', node);
  }
}
