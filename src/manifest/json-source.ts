// Position-aware JSON parsing, used only when positions are needed (findings to place,
// duplicate keys to report, a syntax error to explain). The hot path uses JSON.parse.
import { parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { appendPointer, parsePointer } from './json-pointer.js';
import { JsonStringOffsetTable } from './json-string-offset-table.js';
import type { DuplicateKey, NodeLocation, ParseResult, SourceTree } from './source-tree.js';

const PARSE_ERROR_TEXT: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name in double quotes was expected',
  ValueExpected: 'a value was expected',
  ColonExpected: 'a colon was expected after the property name',
  CommaExpected: 'a comma was expected',
  CloseBraceExpected: 'a closing brace "}" was expected',
  CloseBracketExpected: 'a closing bracket "]" was expected',
  EndOfFileExpected: 'extra text after the end of the JSON document',
  InvalidCommentToken: 'comments are not allowed in JSON',
  UnexpectedEndOfComment: 'unterminated comment',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character in string',
  InvalidCharacter: 'invalid character in string (control characters must be escaped)',
};

export function describeJsonError(error: ParseError): string {
  const code = printParseErrorCode(error.error);
  return PARSE_ERROR_TEXT[code] ?? code;
}

/** Why and where JSON.parse refused a text. */
export function explainJsonError(text: string): { message: string; offset: number } {
  const errors: ParseError[] = [];
  parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  const first = errors[0];
  return first ? { message: describeJsonError(first), offset: first.offset } : { message: 'not valid JSON', offset: 0 };
}

export function parseJsonTree(text: string): ParseResult {
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors[0];
  if (first || !root) {
    return { ok: false, error: { message: first ? describeJsonError(first) : 'the file is empty', offset: first?.offset ?? 0 } };
  }
  // jsonc-parser accepts a few things JSON.parse refuses; JSON.parse is the judge of validity.
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, error: { message: (error as Error).message, offset: 0 } };
  }
  return { ok: true, value, tree: new JsonSourceTree(text, root) };
}

class JsonSourceTree implements SourceTree {
  /** Key lookup tables of the objects visited so far (see childOf). */
  private readonly members = new WeakMap<Node, Map<string, Node>>();
  /** One per string literal that findings point into, by the literal's offset. */
  private readonly stringTables = new Map<number, JsonStringOffsetTable>();

  constructor(
    private readonly text: string,
    private readonly root: Node,
  ) {}

  locate(pointer: string): NodeLocation {
    let node = this.root;
    let keyOffset: number | undefined;
    for (const segment of parsePointer(pointer)) {
      const next = this.childOf(node, segment);
      if (!next) return { keyOffset, valueOffset: node.offset, valueLength: node.length, exact: false };
      node = next.value;
      keyOffset = next.keyOffset;
    }
    return { keyOffset, valueOffset: node.offset, valueLength: node.length, exact: true };
  }

  offsetInString(pointer: string, decodedOffset: number): number | undefined {
    const location = this.locate(pointer);
    if (!location.exact || this.text[location.valueOffset] !== '"') return undefined;
    let table = this.stringTables.get(location.valueOffset);
    if (!table) {
      table = new JsonStringOffsetTable(this.text, location.valueOffset);
      this.stringTables.set(location.valueOffset, table);
    }
    return table.rawOffset(decodedOffset);
  }

  duplicateKeys(): DuplicateKey[] {
    const found: DuplicateKey[] = [];
    collectDuplicates(this.root, '', found);
    return found;
  }

  private childOf(node: Node, segment: string): { value: Node; keyOffset?: number } | undefined {
    if (node.type === 'object') {
      const property = this.memberTable(node).get(segment);
      const [key, value] = property?.children ?? [];
      return key && value ? { value, keyOffset: key.offset } : undefined;
    }
    if (node.type === 'array' && /^(0|[1-9]\d*)$/.test(segment)) {
      const value = node.children?.[Number(segment)];
      return value ? { value } : undefined;
    }
    return undefined;
  }

  /**
   * The object's properties by key, built on the first lookup in it: scanning the properties
   * on every lookup made placing findings in an object of 100,000 keys quadratic. The last
   * duplicate wins, as in JSON.parse and in IoT Hub.
   */
  private memberTable(node: Node): Map<string, Node> {
    let table = this.members.get(node);
    if (!table) {
      table = new Map();
      for (const property of node.children ?? []) {
        const [key, value] = property.children ?? [];
        if (key && value) table.set(String(key.value), property);
      }
      this.members.set(node, table);
    }
    return table;
  }
}

function collectDuplicates(node: Node, pointer: string, found: DuplicateKey[]): void {
  if (node.type === 'object') {
    const seen = new Map<string, number>();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key) continue;
      const name = String(key.value);
      const earlier = seen.get(name);
      if (earlier !== undefined) found.push({ objectPointer: pointer, key: name, firstOffset: earlier, secondOffset: key.offset });
      seen.set(name, key.offset);
      if (value) collectDuplicates(value, appendPointer(pointer, name), found);
    }
  } else if (node.type === 'array') {
    node.children?.forEach((child, index) => collectDuplicates(child, appendPointer(pointer, index), found));
  }
}
