// One self-contained JSON Schema from one of ours and the schemas it $refs, so that an editor or
// a validator given only that file validates offline. Each other schema is copied under
// `definitions`, keyed by its file name and without its own $id, and every $ref becomes a JSON
// Pointer into the one document. Pointers rather than embedded $ids: draft-07 allows an $id
// inside a document, but not every editor resolves one there, while every editor follows
// `#/…` pointers. Pure: the caller reads the files.
import { SCHEMA_ID_BASE, isSchemaFileName, type SchemaDocument, type SchemaFileName } from './schema-files.js';

/** Keywords whose values are data, not schemas: a `$ref` key inside them is not a reference. */
const DATA_KEYWORDS = new Set(['enum', 'const', 'default', 'examples']);

export function bundleSchema(rootName: SchemaFileName, read: (name: SchemaFileName) => SchemaDocument): SchemaDocument {
  const documents = new Map<SchemaFileName, SchemaDocument>();
  const pending: SchemaFileName[] = [rootName];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    if (documents.has(name)) continue;
    const document = read(name);
    documents.set(name, document);
    for (const ref of collectRefs(document)) pending.push(refTarget(ref, name).file);
  }

  const root = rewriteRefs(documents.get(rootName)!, rootName, rootName) as SchemaDocument;
  if (documents.size === 1) return root;
  const definitions = { ...(root.definitions as SchemaDocument | undefined) };
  for (const name of [...documents.keys()].filter((other) => other !== rootName).sort()) {
    if (name in definitions) throw new Error(`${rootName} already has a definition named ${name}; the bundle needs that key for the schema it refers to`);
    const { $schema: _dialect, $id: _id, ...embedded } = rewriteRefs(documents.get(name)!, name, rootName) as SchemaDocument;
    definitions[name] = embedded;
  }
  return { ...root, definitions };
}

function collectRefs(node: unknown, found: string[] = []): string[] {
  if (Array.isArray(node)) for (const item of node) collectRefs(item, found);
  else if (isObject(node)) {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') found.push(value);
      else if (!DATA_KEYWORDS.has(key)) collectRefs(value, found);
    }
  }
  return found;
}

/** A copy of `node` (a part of the document `current`) with each $ref pointing into the bundle rooted at `rootName`. */
function rewriteRefs(node: unknown, current: SchemaFileName, rootName: SchemaFileName): unknown {
  if (Array.isArray(node)) return node.map((item) => rewriteRefs(item, current, rootName));
  if (!isObject(node)) return node;
  const copy: SchemaDocument = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      const { file, pointer } = refTarget(value, current);
      copy[key] = file === rootName ? `#${pointer}` : `#/definitions/${escapePointerSegment(file)}${pointer}`;
    } else copy[key] = DATA_KEYWORDS.has(key) ? value : rewriteRefs(value, current, rootName);
  }
  return copy;
}

/** The schema file a $ref in `current` names, and the JSON Pointer into it ('' for its root). */
function refTarget(ref: string, current: SchemaFileName): { file: SchemaFileName; pointer: string } {
  const hash = ref.indexOf('#');
  const address = hash === -1 ? ref : ref.slice(0, hash);
  const pointer = hash === -1 ? '' : ref.slice(hash + 1);
  if (pointer !== '' && !pointer.startsWith('/')) throw new Error(`${current} has $ref ${ref}: only JSON Pointer fragments can be bundled`);
  if (address === '') return { file: current, pointer };
  const url = new URL(address, SCHEMA_ID_BASE + current).href;
  const file = url.startsWith(SCHEMA_ID_BASE) ? url.slice(SCHEMA_ID_BASE.length) : '';
  if (!isSchemaFileName(file)) throw new Error(`${current} has $ref ${ref}, which is not one of the schemas in schemas/`);
  return { file, pointer };
}

function escapePointerSegment(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}

function isObject(value: unknown): value is SchemaDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
