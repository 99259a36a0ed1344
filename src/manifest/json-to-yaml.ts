// JSON text to block-style YAML, losslessly: key order is kept, strings come back identical
// (see yaml-scalar.ts), and numbers are copied as written (1.0 stays 1.0, a 20-digit id keeps
// its digits), which a round trip through JavaScript numbers would not do.
// createOptions stay strings by default, so a chunked createOptions round-trips byte for byte;
// with `createOptions: 'mapping'` an options string becomes a YAML mapping when converting it
// back gives the very same chunks (compact JSON, 512-character chunks), and stays a string otherwise.
import { parseTree, type Node } from 'jsonc-parser';
import { listAgentModules } from './agent-modules.js';
import { chunkCreateOptions } from './docker/chunk-create-options.js';
import { joinCreateOptions } from './docker/join-create-options.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent } from './manifest-shape.js';
import { yamlString } from './yaml-scalar.js';

export type CreateOptionsStyle = 'string' | 'mapping';

export interface JsonToYamlOptions {
  createOptions?: CreateOptionsStyle;
}

export interface JsonToYamlResult {
  text: string;
  /** Modules whose createOptions were written as a mapping. */
  mapped: string[];
  /** Modules whose createOptions stayed strings under 'mapping', with why. */
  keptAsString: { module: string; reason: string }[];
}

/** Settings objects whose createOptions become mappings: settings pointer → options value and chunk keys. */
type Mappable = Map<string, { module: string; value: Record<string, unknown>; keys: Set<string> }>;

/** `text` must be valid JSON (the caller has parsed it). */
export function jsonToYaml(text: string, value: unknown, options: JsonToYamlOptions = {}): JsonToYamlResult {
  const root = parseTree(text, [], { disallowComments: true, allowTrailingComma: false });
  if (!root) throw new Error('jsonToYaml needs valid JSON');
  const result: JsonToYamlResult = { text: '', mapped: [], keptAsString: [] };
  const mappable: Mappable = options.createOptions === 'mapping' ? findMappable(value, result) : new Map();
  const lines: string[] = [];
  if (root.type === 'object' && (root.children ?? []).length > 0) writeObject(root, 0, '', lines, text, mappable);
  else if (root.type === 'array' && (root.children ?? []).length > 0) writeArray(root, 0, '', lines, text, mappable);
  else lines.push(inline(root, text));
  result.text = `${lines.join('\n')}\n`;
  return result;
}

function findMappable(value: unknown, result: JsonToYamlResult): Mappable {
  const mappable: Mappable = new Map();
  const located = locateModulesContent(value);
  if (!located.modulesContent) return mappable;
  for (const module of listAgentModules(located.modulesContent, located.pointer)) {
    const settings = module.definition.settings;
    if (!isPlainObject(settings)) continue;
    const settingsPointer = appendPointer(module.pointer, 'settings');
    const joined = joinCreateOptions(settings, settingsPointer);
    if (!joined || joined.form !== 'string') continue;
    if (!joined.value) {
      result.keptAsString.push({ module: module.name, reason: 'its createOptions are not a JSON object' });
      continue;
    }
    const chunks = chunkCreateOptions(joined.value);
    const same = joined.chunks.length === Object.keys(chunks).length && joined.chunks.every((chunk) => chunks[chunk.key] === chunk.text);
    if (!same) {
      result.keptAsString.push({ module: module.name, reason: 'its createOptions are not written as compact JSON in 512-character chunks, so a mapping would not convert back to the same text' });
      continue;
    }
    mappable.set(settingsPointer, { module: module.name, value: joined.value, keys: new Set(joined.chunks.map((chunk) => chunk.key)) });
    result.mapped.push(module.name);
  }
  return mappable;
}

function isEmptyContainer(node: Node): boolean {
  return (node.type === 'object' || node.type === 'array') && (node.children ?? []).length === 0;
}

function inline(node: Node, text: string): string {
  switch (node.type) {
    case 'object':
      return '{}';
    case 'array':
      return '[]';
    case 'string':
      return yamlString(node.value as string);
    case 'number':
      return text.slice(node.offset, node.offset + node.length);
    default:
      return String(node.value);
  }
}

function writeObject(node: Node, indent: number, pointer: string, lines: string[], text: string, mappable: Mappable): void {
  const pad = ' '.repeat(indent);
  const mapped = mappable.get(pointer);
  for (const property of node.children ?? []) {
    const [keyNode, valueNode] = property.children as [Node, Node];
    const key = keyNode.value as string;
    if (mapped?.keys.has(key)) {
      if (key !== [...mapped.keys][0]) continue; // the other chunks are folded into the first
      if (Object.keys(mapped.value).length === 0) lines.push(`${pad}${yamlString(key, true)}: {}`);
      else {
        lines.push(`${pad}${yamlString(key, true)}:`);
        writeValue(mapped.value, indent + 2, lines);
      }
      continue;
    }
    const childPointer = appendPointer(pointer, key);
    if (isEmptyContainer(valueNode) || (valueNode.type !== 'object' && valueNode.type !== 'array')) {
      lines.push(`${pad}${yamlString(key, true)}: ${inline(valueNode, text)}`);
    } else {
      lines.push(`${pad}${yamlString(key, true)}:`);
      if (valueNode.type === 'object') writeObject(valueNode, indent + 2, childPointer, lines, text, mappable);
      else writeArray(valueNode, indent + 2, childPointer, lines, text, mappable);
    }
  }
}

function writeArray(node: Node, indent: number, pointer: string, lines: string[], text: string, mappable: Mappable): void {
  const pad = ' '.repeat(indent);
  (node.children ?? []).forEach((item, index) => {
    if (isEmptyContainer(item) || (item.type !== 'object' && item.type !== 'array')) {
      lines.push(`${pad}- ${inline(item, text)}`);
      return;
    }
    // Written straight into `lines`, then the item's first line gets the dash: collecting the
    // item apart and spreading it in (push(...nested)) overflows the stack past ~120,000 lines.
    const first = lines.length;
    if (item.type === 'object') writeObject(item, indent + 2, appendPointer(pointer, index), lines, text, mappable);
    else writeArray(item, indent + 2, appendPointer(pointer, index), lines, text, mappable);
    lines[first] = `${pad}- ${lines[first]!.slice(indent + 2)}`;
  });
}

/** Writes a plain JavaScript value (a createOptions object) as block YAML. */
function writeValue(value: unknown, indent: number, lines: string[]): void {
  const text = JSON.stringify(value);
  const node = parseTree(text)!;
  if (node.type === 'object') writeObject(node, indent, '', lines, text, new Map());
  else if (node.type === 'array') writeArray(node, indent, '', lines, text, new Map());
}
