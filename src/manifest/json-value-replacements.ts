// Replaces many existing values of a JSON text in one pass: one parse, one lookup per value
// (through a key table per object), one rebuild. Editing one value at a time re-parses and
// re-copies the whole text per edit, so `lint --fix` on a manifest with thousands of fixes took
// time quadratic in its size. Only what one pass can do safely is done here; the caller edits
// the rest one at a time (see `rest`).
import { parseTree, type Node, type ParseError } from 'jsonc-parser';

export type JsonScalar = string | number | boolean | null;

export interface ValueReplacement {
  /** Keys and array indexes, from the root. */
  path: readonly string[];
  value: unknown;
}

export interface ReplacementResult {
  text: string;
  /** Indexes of the replacements not made: the member is missing (an insert), the value is not a scalar, or the key is duplicated on the way. */
  rest: number[];
}

const isScalar = (value: unknown): value is JsonScalar => value === null || ['string', 'number', 'boolean'].includes(typeof value);

/**
 * Makes every replacement of an existing scalar in one pass. Undefined when the replacements
 * do not commute (one path lies inside another, or two are equal), or the text is not JSON:
 * then they must be made one at a time, in order. Replacements on distinct, unnested paths
 * commute, so the ones left in `rest` may be made afterwards.
 */
export function replaceJsonValues(text: string, replacements: readonly ValueReplacement[]): ReplacementResult | undefined {
  if (nested(replacements)) return undefined;
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { disallowComments: true, allowTrailingComma: false });
  if (!root || errors.length > 0) return undefined;
  const members = new Map<Node, Map<string, Node | null>>();
  const done: { node: Node; content: string }[] = [];
  const rest: number[] = [];
  replacements.forEach((replacement, index) => {
    const node = isScalar(replacement.value) ? find(root, replacement.path, members) : undefined;
    if (node) done.push({ node, content: JSON.stringify(replacement.value) });
    else rest.push(index);
  });
  done.sort((a, b) => a.node.offset - b.node.offset);
  const parts: string[] = [];
  let at = 0;
  for (const { node, content } of done) {
    parts.push(text.slice(at, node.offset), content);
    at = node.offset + node.length;
  }
  parts.push(text.slice(at));
  return { text: parts.join(''), rest };
}

/** True when a path equals another or lies inside it: in order, sorted paths that nest are neighbours. */
function nested(replacements: readonly ValueReplacement[]): boolean {
  // Open-ended JSON arrays ('["a","b"'): a path nests in another exactly when its text starts with the other's and a comma.
  const keys = replacements.map((replacement) => JSON.stringify(replacement.path).slice(0, -1)).sort();
  for (let i = 1; i < keys.length; i++) if (keys[i] === keys[i - 1] || keys[i]!.startsWith(`${keys[i - 1]},`)) return true;
  return false;
}

function find(root: Node, path: readonly string[], members: Map<Node, Map<string, Node | null>>): Node | undefined {
  let node: Node | undefined = root;
  for (const segment of path) {
    if (node.type === 'object') {
      const child: Node | null | undefined = memberTable(node, members).get(segment);
      // null: the key is written twice, and which one an edit means is not for this pass to decide.
      if (!child) return undefined;
      node = child;
    } else if (node.type === 'array' && /^(0|[1-9]\d*)$/.test(segment)) {
      node = node.children?.[Number(segment)];
      if (!node) return undefined;
    } else return undefined;
  }
  return node;
}

function memberTable(node: Node, members: Map<Node, Map<string, Node | null>>): Map<string, Node | null> {
  let table = members.get(node);
  if (!table) {
    table = new Map();
    for (const property of node.children ?? []) {
      const [key, value] = property.children ?? [];
      if (!key || !value) continue;
      const name = String(key.value);
      table.set(name, table.has(name) ? null : value);
    }
    members.set(node, table);
  }
  return table;
}
