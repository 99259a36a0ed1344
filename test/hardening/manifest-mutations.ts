// Issue 9, "Proof": the generated inputs of the property test. A case starts from a real public
// manifest (fuzz-bases.ts), plants secrets (fuzz-secrets.ts), edits the parsed value (replace a
// value with random JSON, placeholder-like text, unicode or huge numbers; delete keys; insert
// keys such as __proto__ and constructor; add routes with random conditions; share a subtree,
// which YAML writes as an anchor and alias), writes createOptions as an object, a string or
// chunks (with a gap), serializes to JSON or YAML with raw fragments (deep nesting, huge number
// literals, self-referencing aliases, an alias bomb), and then edits the text (a duplicate key,
// a BOM, random byte edits, a truncation). Text edits never touch a live planted secret or the
// names that make it one: a secret moved out of its secret place by a byte edit is the user's
// data, not a secret, and must not fail the property. For the same reason a secret counts only
// while the final text holds it after its name (a truncation may cut its place away), and one in
// createOptions chunks only while the chunks, read in order, still hold it with its name.
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { BASES, parseBase } from './fuzz-bases.js';
import { plantSecrets, PLANT_KINDS, type PlantKind, type Planted } from './fuzz-secrets.js';
import { isObject, places, put, valueAt, type Doc } from './manifest-places.js';

export type ValueEdit =
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'delete'; at: number }
  | { kind: 'insert'; at: number; key: string; value: unknown }
  | { kind: 'raw'; at: number; raw: string }
  | { kind: 'share'; from: number; to: number };

export interface ByteEdit {
  at: number;
  op: 'insert' | 'delete' | 'replace';
  bytes: number[];
}

export interface TextEdits {
  duplicateKey?: { at: number; value: string };
  bom: boolean;
  bytes: ByteEdit[];
  truncate?: number;
}

export type CreateOptionsForm = { form: 'object' } | { form: 'string' } | { form: 'chunked'; size: number } | { form: 'gap'; size: number; drop: number };

export interface Case {
  base: number;
  format: 'json' | 'yaml';
  plants: PlantKind[];
  edits: ValueEdit[];
  routes: string[];
  createOptions: CreateOptionsForm;
  text: TextEdits;
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Placeholder syntaxes pipelines use (the corpus has each), and variable names that are no own variables. */
const placeholderLike = fc.constantFrom(
  '${X}',
  '${MODULES.sensor}',
  '${MODULES.sensor.amd64}',
  '__X__',
  '__MSSQL_SA_PASSWORD__',
  '#{X}#',
  '#{CONTAINER_REGISTRY_PASSWORD}#',
  '$(X)',
  '{{X}}',
  '<X>',
  '${CONTAINER_REGISTRY_PASSWORD}',
  '${INFLUX_PASSWORD}',
  '${FUZZ_TOKEN}',
  '${toString}',
  '${constructor}',
  '${__proto__}',
  '${hasOwnProperty}',
  '${',
  '$${X}',
  '${X:-default}',
);

/** Values a manifest's fields expect, and a few that look like them. */
const fieldLike = fc.constantFrom(
  '',
  ' ',
  'null',
  'true',
  'always',
  'never',
  'on-failure',
  'running',
  'stopped',
  'docker',
  '1.0',
  '1.1',
  '1.4',
  'Mqtt',
  'amqp',
  '/iotedge/storage',
  'mcr.microsoft.com/azureiotedge-agent:1.4',
  '{"HostConfig":{"Privileged":true}}',
  '{"HostConfig":',
  '[]',
  'ü',
  '😀',
  '\u202e',
  '\u0000',
  'Connection-String=x',
);

const fuzzString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  placeholderLike,
  fieldLike,
  fc.tuple(fc.string({ maxLength: 5 }), placeholderLike, fc.string({ maxLength: 5 })).map(([a, b, c]) => a + b + c),
);

const hugeNumber = fc.constantFrom(1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, 1e21, 2 ** 31, -(2 ** 63), 5e-324, 0.1 + 0.2);

/** Names of prototype machinery, and names the tools give meaning to. */
const keyName = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'properties.desired.__proto__.restartPolicy', 'createOptions01', 'env', 'value', '$edgeAgent', ''),
  fc.string({ maxLength: 8 }),
);

/** The names a polluting write would add to every object; the property checks that `({}).name` stays undefined. */
export const POLLUTION_NAMES = ['restartPolicy', 'status', 'Privileged', 'fuzzPolluted', 'value'] as const;
const pollution = fc.constant(null).map(() => ({ restartPolicy: 'always', status: 'running', Privileged: true, fuzzPolluted: true, value: 'x' }));

const fuzzValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fuzzString, hugeNumber, fc.dictionary(keyName, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }), pollution);

/** Text a value is replaced with as written: deep nesting, huge literals, YAML the JSON model has no word for. */
const rawFragment = fc.oneof(
  fc.tuple(fc.constantFrom(99, 100, 101, 1000, 10_000), fc.constantFrom(['[', ']'], ['{"a":', '}'])).map(([depth, [open, close]]) => `${open!.repeat(depth)}1${close!.repeat(depth)}`),
  fc.constantFrom(`1${'0'.repeat(400)}`, '1e400', '-1e-400', `0.${'3'.repeat(300)}`, '123456789012345678901234567890', 'NaN', 'Infinity', '0x1F', "'single'", '/* c */ 1', '"\\ud800"', '"\\u0000"'),
  fc.constantFrom('&a {b: *a}', '&a [1, *a]', '*nowhere', '!!binary aGVsbG8=', '!custom x', '!!int x', aliasBomb(5)),
);

/** Nested aliases that expand to 10^levels values, if a loader let them. */
function aliasBomb(levels: number): string {
  const names = 'abcdefghij';
  const lines = [`&${names[0]} [1,1,1,1,1,1,1,1,1,1]`];
  for (let level = 1; level < levels; level++)
    lines.push(
      `&${names[level]} [${Array(10)
        .fill(`*${names[level - 1]}`)
        .join(',')}]`,
    );
  return `[${lines.join(', ')}]`;
}

/** A node of the document, by index into its paths: unbiased, so that deep nodes are picked as often as the root. */
const node = fc.noBias(fc.nat());

const valueEdit: fc.Arbitrary<ValueEdit> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: node, value: fuzzValue }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: node }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: node, key: keyName, value: fc.oneof(fuzzValue, pollution) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), at: node, raw: rawFragment }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('share' as const), from: node, to: node }) },
);

/** Route conditions from IoT Hub's query grammar, nested at random, with mistakes in them. */
export const condition: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(
      '$body.temperature',
      '$connectionDeviceId',
      '$connectionModuleId',
      '$body.a.b[0]',
      'messageType',
      '$messageId',
      'true',
      'false',
      'null',
      'undefined',
      '3',
      '-1.5e3',
      "'text'",
      "'it''s'",
      '"x"',
      "$body.auth = 'SharedAccessKey=x'",
    ),
    fc.integer().map(String),
    fc.string({ maxLength: 6 }).map((text) => `'${text.replace(/'/g, "''")}'`),
    fc.tuple(tie('expr'), fc.constantFrom('=', '!=', '<>', '<', '>', '<=', '>=', '+', '-', '*', '/', '%', 'AND', 'OR', '||', '&&'), tie('expr')).map(([a, op, b]) => `${a} ${op} ${b}`),
    tie('expr').map((inner) => `NOT ${inner}`),
    tie('expr').map((inner) => `(${inner})`),
    fc
      .tuple(fc.constantFrom('IS_DEFINED', 'IS_STRING', 'IS_NUMBER', 'LENGTH', 'UPPER', 'CONTAINS', 'STARTS_WITH', 'SUBSTRING', 'ABS', 'AS_NUMBER', 'NOPE'), fc.array(tie('expr'), { maxLength: 3 }))
      .map(([name, args]) => `${name}(${args.join(', ')})`),
  ),
})).expr;

const route: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('/messages/*', '/messages/modules/sensor/outputs/*', '/messages/modules/sensor/outputs/temperature', '/twinChangeNotifications', '/messages/modules/*', '/nowhere'),
      fc.option(condition, { nil: undefined }),
      fc.constantFrom('$upstream', 'BrokeredEndpoint("/modules/filter/inputs/input1")', 'BrokeredEndpoint("/modules/filter/inputs/")', 'nowhere'),
    )
    .map(([source, where, sink]) => `FROM ${source}${where === undefined ? '' : ` WHERE ${where}`} INTO ${sink}`),
  fc.string({ maxLength: 30 }),
);

const createOptionsForm: fc.Arbitrary<CreateOptionsForm> = fc.oneof(
  fc.constant({ form: 'object' as const }),
  fc.constant({ form: 'string' as const }),
  fc.record({ form: fc.constant('chunked' as const), size: fc.integer({ min: 16, max: 512 }) }),
  fc.record({ form: fc.constant('gap' as const), size: fc.integer({ min: 16, max: 512 }), drop: fc.nat() }),
);

const byteEdit: fc.Arbitrary<ByteEdit> = fc.record({
  at: fc.noBias(fc.nat()),
  op: fc.constantFrom('insert' as const, 'delete' as const, 'replace' as const),
  bytes: fc.oneof(
    fc.constantFrom(...'{}[]":,\n \t\\#&*-!|>\''.split('')).map((char) => [...Buffer.from(char)]),
    fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }),
    fc.string({ unit: 'grapheme', minLength: 1, maxLength: 2 }).map((text) => [...Buffer.from(text)]),
  ),
});

/** A value in `percent` of the cases, else undefined (to which a counterexample shrinks). */
export function sometimes<T>(arbitrary: fc.Arbitrary<T>, percent: number): fc.Arbitrary<T | undefined> {
  return fc.oneof({ weight: 100 - percent, arbitrary: fc.constant(undefined) }, { weight: percent, arbitrary });
}

// Most cases keep a text that parses, so that the commands get past the loader.
const textEdits: fc.Arbitrary<TextEdits> = fc.record({
  duplicateKey: sometimes(fc.record({ at: fc.noBias(fc.nat()), value: fc.jsonValue({ maxDepth: 1 }).map((value) => JSON.stringify(value)) }), 15),
  bom: sometimes(fc.constant(true), 15).map((bom) => bom === true),
  bytes: sometimes(fc.array(byteEdit, { minLength: 1, maxLength: 4 }), 15).map((edits) => edits ?? []),
  truncate: sometimes(fc.noBias(fc.nat()), 8),
});

export const fuzzCase: fc.Arbitrary<Case> = fc.record({
  base: fc.nat({ max: BASES.length - 1 }),
  format: fc.constantFrom('json' as const, 'yaml' as const),
  plants: fc.subarray([...PLANT_KINDS], { minLength: 1 }),
  edits: fc.array(valueEdit, { maxLength: 4 }),
  routes: fc.array(route, { maxLength: 2 }),
  createOptions: createOptionsForm,
  text: textEdits,
});

// ---------------------------------------------------------------------------------------------
// Materializing a case

export interface Materialized {
  /** The file as written (possibly not UTF-8 after byte edits). */
  bytes: Buffer;
  fileName: string;
  /** The edited value, before createOptions are written and the text is edited (patches are generated against it). */
  value: unknown;
  /** The planted secrets that still stand where they were planted. */
  secrets: string[];
}

/** Every path in a value, root first, through own entries; each node once, however often it is shared. */
export function pathsOf(root: unknown, limit = 4000): string[][] {
  const paths: string[][] = [];
  const seen = new Set<unknown>();
  const walk = (node: unknown, path: string[]): void => {
    if (paths.length >= limit) return;
    paths.push(path);
    if (typeof node !== 'object' || node === null || seen.has(node)) return;
    seen.add(node);
    for (const key of Object.keys(node)) walk((node as Doc)[key], [...path, key]);
  };
  walk(root, []);
  return paths;
}

/** Fast-check may hand the same generated value to later runs: the document gets its own copy. */
const copy = (value: unknown): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

function setPath(box: { root: unknown }, path: readonly string[], value: unknown): void {
  if (path.length === 0) {
    box.root = value;
    return;
  }
  const parent = valueAt(box.root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent[Number(key)] = value;
  else if (isObject(parent)) Object.defineProperty(parent, key, { value, enumerable: true, writable: true, configurable: true });
}

function removePath(root: unknown, path: readonly string[]): void {
  const parent = valueAt(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else if (isObject(parent)) delete parent[key];
}

function applyEdit(box: { root: unknown }, edit: ValueEdit, format: Case['format'], raws: string[]): void {
  const all = pathsOf(box.root);
  const pick = (at: number, from = all): string[] | undefined => (from.length === 0 ? undefined : from[at % from.length]);
  switch (edit.kind) {
    case 'replace':
      setPath(box, pick(edit.at)!, copy(edit.value));
      return;
    case 'delete': {
      const path = pick(edit.at, all.slice(1));
      if (path) removePath(box.root, path);
      return;
    }
    case 'insert': {
      const path = pick(
        edit.at,
        all.filter((candidate) => isObject(valueAt(box.root, candidate))),
      );
      const target = path && valueAt(box.root, path);
      if (isObject(target)) Object.defineProperty(target, edit.key, { value: copy(edit.value), enumerable: true, writable: true, configurable: true });
      return;
    }
    case 'raw':
      setPath(box, pick(edit.at)!, `@@RAW${raws.push(edit.raw) - 1}@@`);
      return;
    case 'share': {
      // YAML writes the shared node once, anchored, and aliases it (a loop when it lands inside
      // itself); JSON has no aliases, so it gets a copy.
      const value = valueAt(box.root, pick(edit.from)!);
      setPath(box, pick(edit.to)!, format === 'yaml' ? value : copy(value));
      return;
    }
  }
}

/** createOptions as the case writes them: left as objects, one string, or chunks of `size` (with one missing). */
function writeCreateOptions(root: unknown, form: CreateOptionsForm): void {
  if (form.form === 'object') return;
  for (const path of pathsOf(root)) {
    const settings = valueAt(root, path);
    if (!isObject(settings) || !isObject(settings.createOptions)) continue;
    let text: string;
    try {
      text = JSON.stringify(settings.createOptions);
    } catch {
      continue; // a loop a shared node made: left for YAML to write with an alias
    }
    if (form.form === 'string') {
      settings.createOptions = text;
      continue;
    }
    delete settings.createOptions;
    const keys: string[] = [];
    for (let start = 0, index = 0; start < text.length || index === 0; start += form.size, index++) {
      const key = index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`;
      keys.push(key);
      settings[key] = text.slice(start, start + form.size);
    }
    if (form.form === 'gap' && keys.length > 1) delete settings[keys[1 + (form.drop % (keys.length - 1))]!];
  }
}

function serialize(root: unknown, format: Case['format'], raws: readonly string[]): string {
  let text = format === 'json' ? `${JSON.stringify(root, null, 2)}\n` : stringify(root);
  raws.forEach((raw, index) => {
    text = text.split(`"@@RAW${index}@@"`).join(raw);
  });
  return text;
}

/** How far before a secret the name that makes it one may stand (a YAML env var's name is a line above its value). */
const NAME_REACH = 400;

/**
 * Spans of a text that edits must leave alone: each live secret where it stands, from the
 * nearest name before it that makes it secret, with the quotes around.
 */
function protectedSpans(text: { indexOf(value: string, from?: number): number; lastIndexOf(value: string, from?: number): number }, planted: readonly Planted[]): [number, number][] {
  const spans: [number, number][] = [];
  for (const { secret, names } of planted) {
    for (let at = text.indexOf(secret); at !== -1; at = text.indexOf(secret, at + 1)) {
      let start = at;
      for (const name of names) {
        const named = text.lastIndexOf(name, at);
        if (named !== -1 && at - named < NAME_REACH) start = Math.min(start, named);
      }
      spans.push([start - 2, at + Buffer.byteLength(secret) + 2]);
    }
  }
  return spans;
}

const inSpans = (spans: readonly [number, number][], at: number): boolean => spans.some(([start, end]) => at >= start && at <= end);

/** Inserts a second entry for an existing key, before it, in the same mapping. */
function duplicateKey(text: string, format: Case['format'], edit: { at: number; value: string }, spans: readonly [number, number][]): string {
  const pattern = format === 'json' ? /\n([ \t]*)("(?:[^"\\\n]|\\.)*"): /g : /\n([ \t]*)([^\s\-#?:"'{[][^:\n]*):(?= |\n)/g;
  const lines = [...text.matchAll(pattern)].filter((match) => !inSpans(spans, match.index));
  if (lines.length === 0) return text;
  const match = lines[edit.at % lines.length]!;
  const entry = `\n${match[1]}${match[2]}: ${edit.value}${format === 'json' ? ',' : ''}`;
  return text.slice(0, match.index) + entry + text.slice(match.index);
}

function editBytes(bytes: Buffer, edits: readonly ByteEdit[], spans: readonly [number, number][]): Buffer {
  let result = bytes;
  const placed = edits.map((edit) => ({ ...edit, at: edit.at % (bytes.length + 1) })).sort((a, b) => b.at - a.at);
  for (const edit of placed) {
    if (inSpans(spans, edit.at)) continue;
    const before = result.subarray(0, edit.at);
    const after = result.subarray(edit.op === 'insert' ? edit.at : edit.at + 1);
    result = Buffer.concat([before, ...(edit.op === 'delete' ? [] : [Buffer.from(edit.bytes)]), after]);
  }
  return result;
}

export function materialize(shape: Case): Materialized {
  const base = BASES[shape.base]!;
  const doc = parseBase(base);
  const planted = plantSecrets(doc, shape.plants);
  shape.routes.forEach((text, index) => put(doc, places(doc).hubRoute(`fuzz${index}`), text));
  const box = { root: doc as unknown };
  const raws: string[] = [];
  for (const edit of shape.edits) applyEdit(box, edit, shape.format, raws);
  const standing = planted.filter((plant) => valueAt(box.root, plant.path) === plant.holder);
  const value = copyOrSelf(box.root);
  writeCreateOptions(box.root, shape.createOptions);
  let text = serialize(box.root, shape.format, raws);
  if (shape.text.duplicateKey) text = duplicateKey(text, shape.format, shape.text.duplicateKey, protectedSpans(text, standing));
  let bytes: Buffer = Buffer.from(shape.text.bom ? `\uFEFF${text}` : text);
  bytes = editBytes(bytes, shape.text.bytes, protectedSpans(bytes, standing));
  if (shape.text.truncate !== undefined) bytes = bytes.subarray(0, shape.text.truncate % (bytes.length + 1));
  const live = standing.filter((plant) => (plant.path.includes('createOptions') ? stillNamedInChunks(plant, bytes, shape.format) : namedInText(plant, bytes)));
  return { bytes, fileName: `${base.name}.${shape.format}`, value, secrets: [...new Set(live.map((plant) => plant.secret))] };
}

/**
 * A secret is one while the text still holds it after a name that makes it one: a truncation may
 * have cut its place away and left only a copy under an ordinary name.
 */
function namedInText(plant: Planted, bytes: Buffer): boolean {
  const namedBefore = (at: number): boolean =>
    plant.names.some((name) => {
      const named = bytes.lastIndexOf(name, at);
      return named !== -1 && at - named < NAME_REACH;
    });
  for (let at = bytes.indexOf(plant.secret); at !== -1; at = bytes.indexOf(plant.secret, at + 1)) if (namedBefore(at)) return true;
  return false;
}

/**
 * A createOptions "Env" secret written in chunks is a secret only while the chunks, read in
 * order, still hold `DB_PASSWORD=…` whole: a gap, or an edit of a chunk's key, can take the name
 * away from the value, which is then the user's data. Read with a plain parser, independent of
 * edgewise; text that does not parse keeps the secret (a parse message must quote nothing).
 */
function stillNamedInChunks(plant: Planted, bytes: Buffer, format: Case['format']): boolean {
  const at = plant.path.indexOf('createOptions');
  if (at === -1) return true;
  let root: unknown;
  try {
    const text = bytes.toString('utf8').replace(/^\uFEFF/, '');
    root = format === 'json' ? JSON.parse(text) : parse(text, { uniqueKeys: false });
  } catch {
    return true;
  }
  if (valueAt(root, plant.path) === plant.holder) return true;
  const settings = valueAt(root, plant.path.slice(0, at));
  if (!isObject(settings)) return false;
  const chunks = Object.keys(settings)
    .filter((key) => /^createOptions(\d\d)?$/.test(key))
    .sort()
    .map((key) => settings[key]);
  return chunks.every((chunk) => typeof chunk === 'string') && chunks.join('').includes(plant.holder);
}

/** A copy for generating patches against, unless a shared node made a loop (then the value itself, read only). */
function copyOrSelf(value: unknown): unknown {
  try {
    return copy(value);
  } catch {
    return value;
  }
}
