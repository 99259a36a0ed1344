// Applies rule fixes to the file text while keeping everything else as written: key order,
// indentation and, for YAML, comments. Edits address the normalized manifest, so an edit under
// a string createOptions re-serialises the options and rewrites its chunks. Keys come from the
// file, so the parsed createOptions are walked and written by json-pointer.ts's safe setters.
import { applyEdits, modify, visit, type Edit, type JSONPath } from 'jsonc-parser';
import { isAlias, isMap, parseDocument } from 'yaml';
import { chunkCreateOptions } from '../manifest/docker/chunk-create-options.js';
import type { JoinedCreateOptions } from '../manifest/docker/join-create-options.js';
import { createOptionsHolding } from '../manifest/docker/create-options-index.js';
import { replaceJsonValues } from '../manifest/json-value-replacements.js';
import { getAtPointer, ownValue, parsePointer, removeAtPath, setAtPath, toPointer } from '../manifest/json-pointer.js';
import type { SourceFormat } from '../manifest/source-format.js';
import type { Fix, FixEdit } from '../rules/rule.js';

type RawEdit = { op: 'set'; path: string[]; value: unknown } | { op: 'remove'; path: string[] };

/** Turns normalized-manifest edits into edits of the file's own structure. */
export function toRawEdits(fixes: readonly Fix[], root: unknown, createOptions: readonly JoinedCreateOptions[]): RawEdit[] {
  const raw: RawEdit[] = [];
  const optionEdits = new Map<JoinedCreateOptions, FixEdit[]>();
  for (const edit of fixes.flatMap((fix) => fix.edits)) {
    const holder = createOptionsHolding(createOptions, edit.pointer);
    const options = holder?.form === 'string' ? holder : undefined;
    if (options) {
      const list = optionEdits.get(options);
      if (list) list.push(edit);
      else optionEdits.set(options, [edit]);
    }
    else raw.push(edit.op === 'set' ? { op: 'set', path: parsePointer(edit.pointer), value: edit.value } : { op: 'remove', path: parsePointer(edit.pointer) });
  }
  for (const [options, edits] of optionEdits) for (const edit of rechunk(options, edits, root)) raw.push(edit);
  return raw;
}

function rechunk(options: JoinedCreateOptions, edits: FixEdit[], root: unknown): RawEdit[] {
  let value: unknown = structuredClone(options.value ?? {});
  for (const edit of edits) value = applyToValue(value, parsePointer(edit.pointer.slice(options.pointer.length)), edit);
  const settingsPath = parsePointer(options.settingsPointer);
  const chunks = chunkCreateOptions(value);
  const raw: RawEdit[] = Object.entries(chunks).map(([key, text]) => ({ op: 'set', path: [...settingsPath, key], value: text }));
  const settings = getAtPointer(root, options.settingsPointer) as Record<string, unknown>;
  for (const chunk of options.chunks) if (!(chunk.key in chunks)) raw.push({ op: 'remove', path: [...settingsPath, chunk.key] });
  // A differently-cased key (CreateOptions) would otherwise stay beside the new one.
  for (const key of Object.keys(settings)) if (/^createoptions(\d\d)?$/i.test(key) && !(key in chunks) && !options.chunks.some((c) => c.key === key)) raw.push({ op: 'remove', path: [...settingsPath, key] });
  return raw;
}

function applyToValue(root: unknown, path: string[], edit: FixEdit): unknown {
  if (path.length === 0) return edit.op === 'set' ? edit.value : undefined;
  const container = (root !== null && typeof root === 'object' ? root : {}) as Record<string, unknown> | unknown[];
  if (edit.op === 'remove') removeAtPath(container, path);
  else setAtPath(container, path, edit.value);
  return container;
}

/**
 * A text that cannot be edited in place as asked: a YAML document with an error the loader
 * tolerates (a key twice in one mapping), or an edit through an alias, which would change every
 * place the anchored node is used. The callers say so to the user; it is never an internal error.
 */
export class UneditableTextError extends Error {
  override name = 'UneditableTextError';
}

export function applyFixesToText(text: string, format: SourceFormat, edits: readonly RawEdit[]): string {
  // A byte order mark is no part of the document (the loader skips it): edited around, and kept.
  const byteOrderMark = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(byteOrderMark.length);
  return byteOrderMark + (format === 'json' ? applyToJson(body, edits) : applyToYaml(body, edits));
}

function applyToJson(text: string, edits: readonly RawEdit[]): string {
  refuseDuplicateKeys(text);
  const indent = /\n([ \t]+)"/.exec(text)?.[1] ?? '  ';
  const options = { formattingOptions: { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' } };
  let result = text;
  let oneByOne: readonly RawEdit[] = edits;
  // Most fixes replace existing scalars: those are made in one pass (replaceJsonValues), as
  // editing one at a time re-parses the whole text per edit. The rest follow, one at a time.
  if (edits.every((edit) => edit.op === 'set')) {
    const batch = replaceJsonValues(text, edits.map((edit) => ({ path: edit.path, value: edit.op === 'set' ? edit.value : undefined })));
    if (batch) {
      result = batch.text;
      oneByOne = batch.rest.map((index) => edits[index]!);
    }
  }
  for (const edit of oneByOne) {
    const path = toJsonPath(result, edit.path);
    const changes: Edit[] = modify(result, path, edit.op === 'set' ? edit.value : undefined, options);
    result = applyEdits(result, changes);
  }
  return result;
}

/** The loader keeps the second of two equal keys, the editor would meet the first: neither is edited. */
function refuseDuplicateKeys(text: string): void {
  const objects: Set<string>[] = [];
  let duplicate: { line: number; column: number } | undefined;
  visit(text, {
    onObjectBegin: () => void objects.push(new Set()),
    onObjectEnd: () => void objects.pop(),
    onObjectProperty: (property, _offset, _length, line, character) => {
      const keys = objects[objects.length - 1]!;
      if (keys.has(property)) duplicate ??= { line: line + 1, column: character + 1 };
      keys.add(property);
    },
  });
  if (duplicate) throw new UneditableTextError(`a key appears twice in one object at line ${duplicate.line}, column ${duplicate.column}; correct it first`);
}

/** jsonc-parser wants numbers for array indexes and -1 to append. */
function toJsonPath(text: string, path: string[]): JSONPath {
  const root = JSON.parse(text) as unknown;
  const out: JSONPath = [];
  let node: unknown = root;
  for (const segment of path) {
    if (Array.isArray(node)) {
      const index = segment === '-' ? -1 : Number(segment);
      out.push(index);
      node = index >= 0 ? node[index] : undefined;
    } else {
      out.push(segment);
      node = ownValue(node, segment);
    }
  }
  return out;
}

function applyToYaml(text: string, edits: readonly RawEdit[]): string {
  const document = parseDocument(text, { keepSourceTokens: true, prettyErrors: false });
  const [error] = document.errors;
  if (error) {
    const [line, column] = error.linePos?.[0] ? [error.linePos[0].line, error.linePos[0].col] : [1, 1];
    const what = error.code === 'DUPLICATE_KEY' ? 'a key appears twice in one mapping' : 'the YAML has an error';
    throw new UneditableTextError(`${what} at line ${line}, column ${column}; correct it first`);
  }
  for (const edit of edits) {
    refuseAliasOnPath(document, edit.path);
    const path = edit.path.map((segment, index) => (isSequenceAt(document, edit.path.slice(0, index)) && /^\d+$/.test(segment) ? Number(segment) : segment));
    if (edit.op === 'remove') document.deleteIn(path);
    else if (path[path.length - 1] === '-') {
      const parent = path.slice(0, -1);
      const sequence = document.getIn(parent) as { add?: (value: unknown) => void } | undefined;
      if (sequence?.add) sequence.add(document.createNode(edit.value));
      else document.setIn(parent, document.createNode([edit.value]));
    } else document.setIn(path, document.createNode(edit.value));
  }
  return document.toString({ lineWidth: 0 });
}

function refuseAliasOnPath(document: ReturnType<typeof parseDocument>, path: readonly string[]): void {
  for (let length = 1; length <= path.length; length++) {
    const node = document.getIn(path.slice(0, length), true);
    if (!isAlias(node)) continue;
    throw new UneditableTextError(
      `${toPointer(path.slice(0, length))} is the alias *${node.source}, so editing ${toPointer(path)} would change every place that uses the anchor &${node.source}; write that node out in full, or make the change by hand`,
    );
  }
}

function isSequenceAt(document: ReturnType<typeof parseDocument>, path: string[]): boolean {
  const node = path.length === 0 ? document.contents : document.getIn(path, true);
  return Boolean(node) && !isMap(node) && Array.isArray((node as { items?: unknown[] }).items);
}
