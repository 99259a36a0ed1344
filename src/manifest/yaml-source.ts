// Position-aware YAML parsing. YAML input is refused when it could hurt us or mislead: nesting
// past MAX_NESTING_DEPTH (measured while the parser reads, before the recursive composer runs),
// alias expansion past a bound (billion laughs), an alias inside the node it names (a value that
// contains itself), custom tags, several documents in one file, and a file with no document.
import { Composer, isAlias, isMap, isNode, isPair, isScalar, isSeq, Lexer, Parser, visit, type CST, type Document, type Node, type Pair, type YAMLMap } from 'yaml';
import { appendPointer, parsePointer } from './json-pointer.js';
import { JsonStringOffsetTable } from './json-string-offset-table.js';
import { MAX_NESTING_DEPTH, TOO_DEEP_MESSAGE, valueNestsTooDeep } from './nesting-depth.js';
import type { DuplicateKey, NodeLocation, ParseFailure, ParseResult, SourceTree } from './source-tree.js';

/** Alias expansions allowed before we call it a resource-exhaustion attempt (yaml's own heuristic). */
export const MAX_YAML_ALIAS_COUNT = 100;

const CORE_TAGS = new Set([
  'tag:yaml.org,2002:str',
  'tag:yaml.org,2002:int',
  'tag:yaml.org,2002:float',
  'tag:yaml.org,2002:bool',
  'tag:yaml.org,2002:null',
  'tag:yaml.org,2002:map',
  'tag:yaml.org,2002:seq',
]);

const COMPOSE_OPTIONS = { uniqueKeys: false, prettyErrors: false, strict: true, schema: 'core' } as const;

const TOO_DEEP_THROUGH_ALIASES = `aliases nest anchored values inside one another so deeply (over ${MAX_NESTING_DEPTH} levels) that edgewise refuses the document (IoT Hub refuses twins nested deeper than 10 levels); write the anchored values out`;

const NO_DOCUMENT = 'the file holds no YAML document, only blank lines or comments';

export function parseYamlTree(text: string): ParseResult {
  const composed = composeDocument(text);
  if (!composed.ok) return composed;
  const document = composed.document;
  const problem = document.errors[0];
  if (problem) return { ok: false, error: { message: firstLine(problem.message), offset: problem.pos[0] } };
  if (isEmptyDocument(document)) return { ok: false, error: { message: NO_DOCUMENT, offset: 0, refused: true } };
  const refused = findRefusedNode(document, text);
  if (refused) return { ok: false, error: refused.failure };
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const reason = (error as Error).message;
    const message = /alias/i.test(reason)
      ? `YAML aliases expand past the limit of ${MAX_YAML_ALIAS_COUNT} (a billion-laughs pattern); write the values out instead of nesting anchors`
      : firstLine(reason);
    return { ok: false, error: { message, offset: 0, refused: /alias/i.test(reason) } };
  }
  // Aliases can nest an anchored value inside another: the value may be deeper than the text.
  if (composed.hasAliases && valueNestsTooDeep(value)) {
    return { ok: false, error: { message: TOO_DEEP_THROUGH_ALIASES, offset: composed.firstAlias, refused: true } };
  }
  return { ok: true, value, tree: new YamlSourceTree(text, document) };
}

type Composed = { ok: true; document: Document; hasAliases: boolean; firstAlias: number } | { ok: false; error: ParseFailure };

/**
 * Lexer, parser and composer driven by hand rather than through parseDocument, so that depth is
 * checked on the parser's stack after every token: the lexer and parser do not recurse, the
 * composer does, and it never sees a token stream nested past the limit.
 */
function composeDocument(text: string): Composed {
  const parser = new Parser();
  const tokens: CST.Token[] = [];
  let hasAliases = false;
  let firstAlias = 0;
  for (const lexeme of new Lexer().lex(text)) {
    const offset = parser.offset;
    for (const token of parser.next(lexeme)) tokens.push(token);
    if (parser.stack.length > MAX_NESTING_DEPTH && collectionDepth(parser.stack) > MAX_NESTING_DEPTH) {
      return { ok: false, error: { message: TOO_DEEP_MESSAGE, offset, refused: true } };
    }
    if (!hasAliases && lexeme.startsWith('*')) {
      hasAliases = true;
      firstAlias = offset;
    }
  }
  for (const token of parser.end()) tokens.push(token);
  let document: Document | undefined;
  for (const next of new Composer(COMPOSE_OPTIONS).compose(tokens, true, text.length)) {
    if (!document) {
      document = next;
      continue;
    }
    const message = 'the file holds several YAML documents (separated by ---); a manifest is one document, so put each in its own file';
    return { ok: false, error: { message, offset: next.range[0], refused: true } };
  }
  return { ok: true, document: document!, hasAliases, firstAlias };
}

/** Collections open on the parser's stack (it also holds the document and the scalar being read). */
function collectionDepth(stack: readonly CST.Token[]): number {
  let depth = 0;
  for (const token of stack) if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') depth++;
  return depth;
}

/** No content at all: an empty stream, or a `---` marker with nothing after it (an empty node, unlike `~`). */
function isEmptyDocument(document: Document): boolean {
  const contents = document.contents as Node | null;
  if (contents === null) return true;
  return isScalar(contents) && contents.value === null && contents.range !== undefined && contents.range !== null && contents.range[0] === contents.range[1];
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** The first node a manifest may not hold: a custom tag, or an alias inside the node it names. */
function findRefusedNode(document: Document, text: string): { failure: ParseFailure } | undefined {
  let found: { failure: ParseFailure } | undefined;
  // Anchors seen so far, in document order: an alias names the closest one before it.
  const anchors = new Map<string, Node>();
  visit(document, (_key, node, path) => {
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target !== undefined && (path as readonly unknown[]).includes(target)) {
        const message = `alias *${node.source} sits inside the node anchored &${node.source}, so the value would contain itself; write the value out`;
        found = { failure: { message, offset: node.range?.[0] ?? 0, refused: true } };
        return visit.BREAK;
      }
      return undefined;
    }
    if (!isNode(node)) return undefined;
    if (node.anchor) anchors.set(node.anchor, node);
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag && !CORE_TAGS.has(node.tag)) {
      // The node's range starts at its value; the tag itself is written just before it.
      const valueOffset = node.range?.[0] ?? 0;
      const tagOffset = text.lastIndexOf('!', valueOffset);
      const sameLine = tagOffset >= 0 && !text.slice(tagOffset, valueOffset).includes('\n');
      const message = `custom YAML tag ${node.tag} is not allowed in a manifest; remove the tag`;
      found = { failure: { message, offset: sameLine ? tagOffset : valueOffset, refused: true } };
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

class YamlSourceTree implements SourceTree {
  /** Key tables of the mappings looked into so far: scanning a mapping per lookup made placing findings quadratic. */
  private readonly members = new WeakMap<YAMLMap, Map<string, Pair>>();
  /** One per double-quoted string that findings point into, by its offset. */
  private readonly stringTables = new Map<number, JsonStringOffsetTable>();

  constructor(
    private readonly text: string,
    private readonly document: Document,
  ) {}

  locate(pointer: string): NodeLocation {
    const root = this.document.contents as Node | null;
    if (!root) return { valueOffset: 0, valueLength: 0, exact: pointer === '' };
    let node: Node = root;
    let keyOffset: number | undefined;
    for (const segment of parsePointer(pointer)) {
      const resolved: Node | undefined = isAlias(node) ? (node.resolve(this.document) as Node | undefined) : node;
      const next: { value: Node; keyOffset?: number } | undefined = resolved ? this.childOf(resolved, segment) : undefined;
      if (!next) return { keyOffset, valueOffset: node.range?.[0] ?? 0, valueLength: span(node), exact: false };
      node = next.value;
      keyOffset = next.keyOffset;
    }
    return { keyOffset, valueOffset: node.range?.[0] ?? 0, valueLength: span(node), exact: true };
  }

  offsetInString(pointer: string, decodedOffset: number): number | undefined {
    const location = this.locate(pointer);
    if (!location.exact) return undefined;
    const opening = this.text[location.valueOffset];
    if (opening === '"') {
      let table = this.stringTables.get(location.valueOffset);
      if (!table) {
        table = new JsonStringOffsetTable(this.text, location.valueOffset);
        this.stringTables.set(location.valueOffset, table);
      }
      return table.rawOffset(decodedOffset);
    }
    if (opening === "'") return rawOffsetInSingleQuoted(this.text, location.valueOffset, decodedOffset);
    if (opening === '|' || opening === '>') return undefined;
    // A plain scalar on one line reads as written.
    return location.valueOffset + Math.min(decodedOffset, location.valueLength);
  }

  duplicateKeys(): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    collectDuplicates(this.document.contents as Node | null, '', found);
    return found;
  }

  private childOf(node: Node, segment: string): { value: Node; keyOffset?: number } | undefined {
    if (isMap(node)) {
      let table = this.members.get(node);
      if (!table) {
        table = new Map();
        // The last duplicate wins, as in the parsed value.
        for (const pair of node.items) if (pair.value) table.set(keyText(pair.key), pair as Pair);
        this.members.set(node, table);
      }
      const pair = table.get(segment);
      return pair ? { value: pair.value as Node, keyOffset: (pair.key as Node | null)?.range?.[0] } : undefined;
    }
    if (isSeq(node) && /^(0|[1-9]\d*)$/.test(segment)) {
      const value = node.items[Number(segment)];
      return value && !isPair(value) ? { value: value as Node } : undefined;
    }
    return undefined;
  }
}

function span(node: Node): number {
  const range = node.range;
  return range ? range[1] - range[0] : 0;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function collectDuplicates(node: Node | null, pointer: string, found: DuplicateKey[]): void {
  if (!node) return;
  if (isMap(node)) {
    const seen = new Map<string, number>();
    for (const pair of node.items) {
      const name = keyText(pair.key);
      const offset = (pair.key as Node | null)?.range?.[0] ?? 0;
      const earlier = seen.get(name);
      if (earlier !== undefined) found.push({ objectPointer: pointer, key: name, firstOffset: earlier, secondOffset: offset });
      seen.set(name, offset);
      collectDuplicates(pair.value as Node | null, appendPointer(pointer, name), found);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, index) => collectDuplicates(item as Node, appendPointer(pointer, index), found));
  }
}

function rawOffsetInSingleQuoted(text: string, literalOffset: number, decodedOffset: number): number {
  let raw = literalOffset + 1;
  for (let decoded = 0; decoded < decodedOffset && raw < text.length; decoded++) {
    raw += text[raw] === "'" && text[raw + 1] === "'" ? 2 : 1;
  }
  return raw;
}
