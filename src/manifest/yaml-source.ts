// Position-aware YAML parsing. YAML input is refused when it could hurt us or mislead:
// alias expansion past a bound (billion laughs), custom tags, several documents in one file.
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { appendPointer, parsePointer } from './json-pointer.js';
import { rawOffsetInJsonString } from './json-string-offsets.js';
import type { DuplicateKey, NodeLocation, ParseResult, SourceTree } from './source-tree.js';

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

const TOO_DEEP = 'the document nests so deeply that edgewise cannot follow it (IoT Hub refuses twins nested deeper than 10 levels); flatten it';

export function parseYamlTree(text: string): ParseResult {
  let document: Document;
  try {
    document = parseDocument(text, { uniqueKeys: false, prettyErrors: false, strict: true, schema: 'core' });
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return { ok: false, error: { message: TOO_DEEP, offset: 0 } };
  }
  const problem = document.errors[0];
  if (problem) {
    const message = /call stack/i.test(problem.message) ? TOO_DEEP : firstLine(problem.message);
    return { ok: false, error: { message, offset: problem.pos[0] } };
  }
  const customTag = findCustomTag(document, text);
  if (customTag) {
    return {
      ok: false,
      error: { message: `custom YAML tag ${customTag.tag} is not allowed in a manifest; remove the tag`, offset: customTag.offset },
    };
  }
  let value: unknown;
  try {
    value = document.toJS({ maxAliasCount: MAX_YAML_ALIAS_COUNT });
  } catch (error) {
    const reason = (error as Error).message;
    const message = /alias/i.test(reason)
      ? `YAML aliases expand past the limit of ${MAX_YAML_ALIAS_COUNT} (a billion-laughs pattern); write the values out instead of nesting anchors`
      : firstLine(reason);
    return { ok: false, error: { message, offset: 0 } };
  }
  return { ok: true, value, tree: new YamlSourceTree(text, document) };
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

function findCustomTag(document: Document, text: string): { tag: string; offset: number } | undefined {
  let found: { tag: string; offset: number } | undefined;
  visit(document, (_key, node) => {
    if ((isScalar(node) || isMap(node) || isSeq(node)) && node.tag && !CORE_TAGS.has(node.tag)) {
      // The node's range starts at its value; the tag itself is written just before it.
      const valueOffset = node.range?.[0] ?? 0;
      const tagOffset = text.lastIndexOf('!', valueOffset);
      const sameLine = tagOffset >= 0 && !text.slice(tagOffset, valueOffset).includes('\n');
      found = { tag: node.tag, offset: sameLine ? tagOffset : valueOffset };
      return visit.BREAK;
    }
    return undefined;
  });
  return found;
}

class YamlSourceTree implements SourceTree {
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
      const next: { value: Node; keyOffset?: number } | undefined = resolved ? childOf(resolved, segment) : undefined;
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
    if (opening === '"') return rawOffsetInJsonString(this.text, location.valueOffset, decodedOffset);
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
}

function span(node: Node): number {
  const range = node.range;
  return range ? range[1] - range[0] : 0;
}

function keyText(key: unknown): string {
  return isScalar(key) ? String(key.value) : String(key);
}

function childOf(node: Node, segment: string): { value: Node; keyOffset?: number } | undefined {
  if (isMap(node)) {
    for (let i = node.items.length - 1; i >= 0; i--) {
      const pair = node.items[i]!;
      if (keyText(pair.key) === segment && pair.value) {
        return { value: pair.value as Node, keyOffset: (pair.key as Node | null)?.range?.[0] };
      }
    }
    return undefined;
  }
  if (isSeq(node) && /^(0|[1-9]\d*)$/.test(segment)) {
    const value = node.items[Number(segment)];
    return value && !isPair(value) ? { value: value as Node } : undefined;
  }
  return undefined;
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
