// YAML to 2-space JSON (JSON.stringify's layout), losslessly: key order is kept, numbers are
// copied as written when the text is already a JSON number (1.0 stays 1.0), and a module's
// createOptions written as a YAML mapping becomes the string form IoT Hub takes: compact JSON in
// 512-character chunks (createOptions, createOptions01…), unless the file is a template, whose
// JSON form may hold createOptions objects (iotedgedev's deployment.template.json) for `gen` to
// serialise. Comments cannot be carried into JSON; they are counted so the command can say so.
import { isAlias, isMap, isScalar, isSeq, parseDocument, visit, type Document, type Node } from 'yaml';
import { listAgentModules } from './agent-modules.js';
import { chunkCreateOptions } from './docker/chunk-create-options.js';
import { appendPointer } from './json-pointer.js';
import { isPlainObject, locateModulesContent } from './manifest-shape.js';
import { MAX_YAML_ALIAS_COUNT } from './yaml-source.js';

const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/;
const BASE_KEY = /^createoptions$/i;
/** Aliases may nest; past this depth the document is refused rather than expanded. */
const MAX_DEPTH = 64;

export type YamlToJsonResult =
  | { ok: true; text: string; comments: number; chunked: string[] }
  | { ok: false; message: string; offset: number };

class ConversionError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export interface YamlToJsonOptions {
  /** Serialise mapping createOptions into chunked strings (a manifest), or keep them as JSON objects (a template, which `gen` serialises). */
  chunkCreateOptions: boolean;
}

/** `text` must be YAML that parseSource accepted (one document, no custom tags, bounded aliases). */
export function yamlToJson(text: string, value: unknown, options: YamlToJsonOptions = { chunkCreateOptions: true }): YamlToJsonResult {
  const document = parseDocument(text, { schema: 'core', strict: true, uniqueKeys: false, prettyErrors: false });
  const settingsPointers = new Map<string, string>();
  const located = locateModulesContent(value);
  if (located.modulesContent && options.chunkCreateOptions) {
    for (const module of listAgentModules(located.modulesContent, located.pointer)) {
      if (isPlainObject(module.definition.settings)) settingsPointers.set(appendPointer(module.pointer, 'settings'), module.name);
    }
  }
  const chunked: string[] = [];
  try {
    const json = write(document.contents, document, '', 0, settingsPointers, chunked);
    return { ok: true, text: `${json}\n`, comments: countComments(document), chunked };
  } catch (error) {
    if (error instanceof ConversionError) return { ok: false, message: error.message, offset: error.offset };
    throw error;
  }
}

function write(node: Node | null | undefined, document: Document, pointer: string, depth: number, settings: Map<string, string>, chunked: string[]): string {
  if (depth > MAX_DEPTH) throw new ConversionError(`the document nests deeper than ${MAX_DEPTH} levels (through aliases?); write it out`, node?.range?.[0] ?? 0);
  if (node === null || node === undefined) return 'null';
  if (isAlias(node)) {
    const target = node.resolve(document);
    if (!target) throw new ConversionError(`alias *${node.source} points nowhere`, node.range?.[0] ?? 0);
    return write(target as Node, document, pointer, depth + 1, settings, chunked);
  }
  const pad = '  '.repeat(depth);
  const inner = '  '.repeat(depth + 1);
  if (isMap(node)) {
    if (node.items.length === 0) return '{}';
    const module = settings.get(pointer);
    const members: string[] = [];
    for (const pair of node.items) {
      const key = keyText(pair.key as Node | null, document);
      const childPointer = appendPointer(pointer, key);
      const child = pair.value as Node | null;
      if (module !== undefined && BASE_KEY.test(key) && isMap(child)) {
        const chunks = chunkCreateOptions(child.toJS(document, { maxAliasCount: MAX_YAML_ALIAS_COUNT }));
        for (const [chunkKey, chunk] of Object.entries(chunks)) members.push(`${inner}${JSON.stringify(chunkKey)}: ${JSON.stringify(chunk)}`);
        chunked.push(module);
        continue;
      }
      members.push(`${inner}${JSON.stringify(key)}: ${write(child, document, childPointer, depth + 1, settings, chunked)}`);
    }
    return `{\n${members.join(',\n')}\n${pad}}`;
  }
  if (isSeq(node)) {
    if (node.items.length === 0) return '[]';
    const items = node.items.map((item, index) => `${inner}${write(item as Node, document, appendPointer(pointer, index), depth + 1, settings, chunked)}`);
    return `[\n${items.join(',\n')}\n${pad}]`;
  }
  if (isScalar(node)) return scalarText(node.value, node.source, node.range?.[0] ?? 0);
  throw new ConversionError('unsupported YAML node', (node as Node).range?.[0] ?? 0);
}

function scalarText(value: unknown, source: string | undefined, offset: number): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (source !== undefined && JSON_NUMBER.test(source)) return source;
    if (!Number.isFinite(value)) throw new ConversionError(`${source ?? value} has no JSON equivalent; write a number or a string`, offset);
    return JSON.stringify(value);
  }
  if (typeof value === 'boolean' || value === null) return String(value);
  if (typeof value === 'bigint') return value.toString();
  throw new ConversionError(`a ${typeof value} value has no JSON equivalent`, offset);
}

function keyText(key: Node | null, document: Document): string {
  if (key === null) return '';
  if (isAlias(key)) return keyText(key.resolve(document) as Node, document);
  if (!isScalar(key)) throw new ConversionError('a mapping or list used as a key has no JSON equivalent; use a string key', key.range?.[0] ?? 0);
  if (typeof key.value === 'number' && key.source !== undefined) return key.source;
  return String(key.value);
}

function countComments(document: Document): number {
  const lines = (comment: string | null | undefined): number => (comment ? comment.split('\n').length : 0);
  let count = lines(document.commentBefore) + lines(document.comment);
  visit(document, (_key, node) => {
    const commented = node as { comment?: string | null; commentBefore?: string | null };
    count += lines(commented.commentBefore) + lines(commented.comment);
  });
  return count;
}
