// Our schemas as an editor uses them (issue 17, "Editors"). `edgewise schema` prints each one;
// a plain draft-07 validator (ajv, with only that one schema: no edgewise code, no other file)
// compiles it and validates the corpus, as VS Code's JSON support and yaml-language-server do
// with a schema file mapped to a document. The places the editor marks must be the places where
// `edgewise validate` reports a schema problem, file by file and in both flavours, apart from
// the differences by design in known-differences.ts. The corpus: test/fixtures/corpus (real
// public manifests, see its SOURCES.md), and a YAML copy of the bundled templates.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ValidateFunction } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import { compileAlone, editorPlaces, escapeSegment, lookUp, pointerSegments, samePlace, type EditorPlace } from './editor-places.js';
import { edgewiseOnlyReason, editorOnlyReason } from './known-differences.js';
import { edgewise, printedSchema, ROOT } from './run-edgewise.js';

const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');
const ID_BASE = 'https://edgewise.dev/schemas/';
const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';

/** Each way to call `edgewise schema`, and the stable $id editors and caches key on. */
const VARIANTS = [
  { args: [], id: `${ID_BASE}manifest.schema.json` },
  { args: ['--template'], id: `${ID_BASE}manifest-template.schema.json` },
  { args: ['--part', 'edge-agent'], id: `${ID_BASE}edge-agent.schema.json` },
  { args: ['--part', 'edge-hub'], id: `${ID_BASE}edge-hub.schema.json` },
  { args: ['--part', 'create-options'], id: `${ID_BASE}create-options.schema.json` },
];

/** What loading finds that no JSON Schema can: unreadable text, repeated keys, chunk order, JSON text inside a string. */
const NOT_SCHEMA_RULES = new Set(['parse', 'duplicate-key', 'create-options-chunks', 'create-options-json']);

type Flavour = 'manifest' | 'template';

interface Finding {
  file: string;
  ruleId: string;
  severity: string;
  message: string;
  pointer: string;
}

interface CorpusFile {
  name: string;
  /** Undefined when the text is not JSON (an editor shows a syntax error, edgewise a parse finding). */
  document?: unknown;
}

function corpus(): CorpusFile[] {
  const names = [...readdirSync(CORPUS).filter((name) => name.endsWith('.json')), ...readdirSync(join(CORPUS, 'wild')).filter((name) => name.endsWith('.json')).map((name) => `wild/${name}`)].sort();
  return names.map((name) => {
    try {
      // Editors read past a byte-order mark, as edgewise does.
      return { name, document: JSON.parse(readFileSync(join(CORPUS, name), 'utf8').replace(/^\uFEFF/, '')) as unknown };
    } catch {
      return { name };
    }
  });
}

/** `edgewise validate` over the files, in one flavour: the findings a JSON Schema could make, by file. */
function edgewiseFindings(folder: string, names: readonly string[], flavour?: Flavour): Map<string, Finding[]> {
  const run = edgewise(['validate', '--format', 'json', ...(flavour ? ['--flavour', flavour] : []), ...names], folder);
  if (run.code !== 0 && run.code !== 1) throw new Error(`edgewise validate exited ${run.code}: ${run.stderr}`);
  const byFile = new Map<string, Finding[]>(names.map((name) => [name, []]));
  for (const finding of (JSON.parse(run.stdout) as { results: Finding[] }).results) {
    if (!NOT_SCHEMA_RULES.has(finding.ruleId)) byFile.get(finding.file)?.push(finding);
  }
  return byFile;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bare {"$edgeAgent": …} twin section, which edgewise checks as the modulesContent it would sit in. */
function isFragment(document: unknown): document is Record<string, unknown> {
  return isObject(document) && !['modulesContent', 'moduleContent', 'content'].some((key) => key in document) && ('$edgeAgent' in document || '$edgeHub' in document);
}

/** modulesContent and its pointer, in any of the shapes a manifest comes in. */
function modulesContentOf(document: unknown): { pointer: string; value: Record<string, unknown> } | undefined {
  if (!isObject(document)) return undefined;
  for (const [holder, prefix] of [[document.content, '/content'], [document, '']] as const) {
    if (!isObject(holder)) continue;
    for (const key of ['modulesContent', 'moduleContent']) if (isObject(holder[key])) return { pointer: `${prefix}/${key}`, value: holder[key] };
  }
  return undefined;
}

interface ModuleCreateOptions {
  pointer: string;
  value: unknown;
  chunked: boolean;
}

/** Every module's createOptions (edgeAgent, edgeHub and user modules), with its pointer. */
function createOptionsOf(document: unknown): ModuleCreateOptions[] {
  const located = modulesContentOf(document);
  const desired = located && isObject(located.value.$edgeAgent) ? located.value.$edgeAgent['properties.desired'] : undefined;
  if (!located || !isObject(desired)) return [];
  const base = `${located.pointer}/$edgeAgent/properties.desired`;
  const groups = [['systemModules', desired.systemModules], ['modules', desired.modules]] as const;
  return groups.flatMap(([group, modules]) =>
    isObject(modules)
      ? Object.entries(modules).flatMap(([name, module]) => {
          if (!isObject(module) || !isObject(module.settings) || !('createOptions' in module.settings)) return [];
          const chunked = Object.keys(module.settings).some((key) => /^createOptions\d\d$/.test(key));
          return [{ pointer: `${base}/${group}/${escapeSegment(name)}/settings/createOptions`, value: module.settings.createOptions, chunked }];
        })
      : [],
  );
}

/** Disagreements between the editor's places and edgewise's findings, each as one line; the known differences are left out. */
function disagreements(label: string, editor: readonly EditorPlace[], findings: readonly Finding[], document: unknown, flavour: Flavour): string[] {
  const lines: string[] = [];
  for (const place of editor) {
    if (findings.some((finding) => samePlace(finding.pointer, place.pointer))) continue;
    if (editorOnlyReason(place.pointer, place.error, document, flavour)) continue;
    lines.push(`${label}: only the editor marks ${place.pointer || '(root)'}: ${place.error.message ?? place.error.keyword}`);
  }
  for (const finding of findings) {
    if (editor.some((place) => samePlace(finding.pointer, place.pointer))) continue;
    if (edgewiseOnlyReason(finding)) continue;
    lines.push(`${label}: only edgewise reports ${finding.pointer || '(root)'}: ${finding.ruleId} ${finding.message}`);
  }
  return lines;
}

describe('the printed schemas', () => {
  it.each(VARIANTS.map((variant) => [variant.args.join(' ') || '(no options)', variant] as const))('edgewise schema %s: its stable $id, draft-07, self-contained', (_, { args, id }) => {
    const schema = printedSchema(args);
    expect(schema.$id).toBe(id);
    expect(schema.$schema).toBe(DRAFT_07);
    const refs = JSON.stringify(schema).match(/"\$ref":"[^"]*"/g) ?? [];
    expect(refs.filter((ref) => !ref.startsWith('"$ref":"#')), 'every $ref points inside the file').toEqual([]);
    expect(() => compileAlone(schema)).not.toThrow(); // a reference the file cannot resolve would throw here
  });

  it('are every schema in schemas/, which keep the same ids', () => {
    const files = readdirSync(join(ROOT, 'schemas')).filter((name) => name.endsWith('.schema.json')).sort();
    expect(files.map((name) => `${ID_BASE}${name}`)).toEqual(VARIANTS.map((variant) => variant.id).sort());
    for (const name of files) expect((JSON.parse(readFileSync(join(ROOT, 'schemas', name), 'utf8')) as { $id: string }).$id).toBe(`${ID_BASE}${name}`);
  });
});

describe('the corpus, as an editor sees it and as edgewise validate does', () => {
  const files = corpus();
  const parsed = files.filter((file) => file.document !== undefined);
  const editor = {} as Record<Flavour, ValidateFunction>;
  const found = {} as Record<Flavour, Map<string, Finding[]>>;

  beforeAll(() => {
    editor.manifest = compileAlone(printedSchema([]));
    editor.template = compileAlone(printedSchema(['--template']));
    for (const flavour of ['manifest', 'template'] as const) found[flavour] = edgewiseFindings(CORPUS, parsed.map((file) => file.name), flavour);
  }, 120_000);

  it('has the corpus to compare', () => {
    expect(files.length).toBeGreaterThan(200);
    // Not JSON for either side: JSON only once placeholders are substituted (a bare ${TTL}, ["$spi_dev"]),
    // a trailing comma, merge-conflict markers, a missing brace.
    expect(files.length - parsed.length).toBeLessThanOrEqual(7);
  });

  it.each(['manifest', 'template'] as const)('as a %s, every file: the editor marks exactly where edgewise finds schema problems', (flavour) => {
    const lines: string[] = [];
    let clean = 0;
    for (const { name, document } of parsed) {
      let places = editorPlaces(editor[flavour], document);
      if (isFragment(document)) {
        // An editor has no schema for a bare twin section: it asks for modulesContent at the root.
        expect(places.map((place) => place.pointer)).toContain('');
        places = editorPlaces(editor[flavour], { modulesContent: document }).map((place) => ({ ...place, pointer: place.pointer.replace(/^\/modulesContent/, '') }));
      }
      const findings = found[flavour].get(name)!.filter((finding) => lookUp(document, finding.pointer).visible);
      if (places.length === 0 && findings.length === 0) clean++;
      lines.push(...disagreements(`${name} (${flavour})`, places, findings, document, flavour));
    }
    expect(lines).toEqual([]);
    expect(clean, 'files both sides find clean').toBeGreaterThan(50);
  });

  it('a template with createOptions objects: valid under --template, and under the concrete schema marked where edgewise says so', () => {
    let objects = 0;
    for (const { name, document } of parsed) {
      for (const options of createOptionsOf(document).filter((options) => isObject(options.value))) {
        objects++;
        const marked = (flavour: Flavour) => editorPlaces(editor[flavour], document).filter((place) => place.pointer === options.pointer);
        const reported = (flavour: Flavour) => found[flavour].get(name)!.filter((finding) => finding.pointer === options.pointer);
        expect(marked('template'), `${name} ${options.pointer}`).toEqual([]);
        expect(reported('template'), `${name} ${options.pointer}`).toEqual([]);
        expect(marked('manifest').map((place) => place.error.message), `${name} ${options.pointer}`).toEqual(['must be string']);
        expect(reported('manifest').map((finding) => finding.message), `${name} ${options.pointer}`).toEqual(['`createOptions` must be a string (got an object)']);
      }
    }
    expect(objects, 'object createOptions in the corpus').toBeGreaterThan(100);
  });
});

describe('the parts, against what edgewise finds in those parts of concrete manifests', () => {
  const parsed = corpus().filter((file) => file.document !== undefined);
  let findings: Map<string, Finding[]>;
  beforeAll(() => {
    findings = edgewiseFindings(CORPUS, parsed.map((file) => file.name), 'manifest');
  }, 120_000);

  it('--part create-options judges each createOptions text as edgewise does', () => {
    const validate = compileAlone(printedSchema(['--part', 'create-options']));
    const lines: string[] = [];
    let texts = 0;
    for (const { name, document } of parsed) {
      for (const options of createOptionsOf(document).filter((options) => typeof options.value === 'string' && !options.chunked)) {
        const value = parsedObject(options.value as string);
        if (value === undefined) continue; // not a JSON object: edgewise's create-options-json, no schema's business
        texts++;
        const places = editorPlaces(validate, value).map((place) => ({ ...place, pointer: options.pointer + place.pointer }));
        const inside = findings.get(name)!.filter((finding) => finding.pointer.startsWith(`${options.pointer}/`));
        lines.push(...disagreements(`${name} ${options.pointer}`, places, inside, wrapAt(options.pointer, value), 'manifest'));
      }
    }
    expect(lines).toEqual([]);
    expect(texts, 'createOptions texts compared').toBeGreaterThan(300);
  });

  it.each([
    ['edge-agent', '$edgeAgent'],
    ['edge-hub', '$edgeHub'],
  ] as const)('--part %s judges the %s desired properties as edgewise does', (part, section) => {
    const validate = compileAlone(printedSchema(['--part', part]));
    const lines: string[] = [];
    let sections = 0;
    for (const { name, document } of parsed) {
      const located = isFragment(document) ? { pointer: '', value: document } : modulesContentOf(document);
      const twin = located?.value[section];
      if (!located || !isObject(twin) || !isObject(twin['properties.desired'])) continue;
      sections++;
      const pointer = `${located.pointer}/${escapeSegment(section)}/properties.desired`;
      const places = editorPlaces(validate, twin['properties.desired']).map((place) => ({ ...place, pointer: pointer + place.pointer }));
      const inside = findings.get(name)!.filter((finding) => (finding.pointer === pointer || finding.pointer.startsWith(`${pointer}/`)) && lookUp(document, finding.pointer).visible);
      lines.push(...disagreements(`${name} ${pointer}`, places, inside, document, 'manifest'));
    }
    expect(lines).toEqual([]);
    expect(sections, `${section} sections compared`).toBeGreaterThan(150);
  });
});

describe('YAML manifests, as yaml-language-server sees them', () => {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-editor-yaml-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));

  it('with createOptions as mappings: the template schema agrees with edgewise, the concrete one marks each mapping', () => {
    const names: string[] = [];
    for (const template of readdirSync(join(ROOT, 'templates')).filter((name) => name.endsWith('.json'))) {
      const document = JSON.parse(readFileSync(join(ROOT, 'templates', template), 'utf8')) as unknown;
      for (const options of createOptionsOf(document)) setAt(document, options.pointer, JSON.parse(options.value as string));
      const name = template.replace(/\.json$/, '.yaml'); // not named *.template.*: a concrete manifest written in YAML
      writeFileSync(join(folder, name), toYaml(document));
      names.push(name);
    }
    // One with a mistake both must find: a restartPolicy edgeAgent does not know.
    const broken = readFileSync(join(folder, 'minimal.yaml'), 'utf8').replace('restartPolicy: always', 'restartPolicy: allways');
    expect(broken).toContain('allways');
    writeFileSync(join(folder, 'broken.yaml'), broken);
    names.push('broken.yaml');

    const validateTemplate = compileAlone(printedSchema(['--template']));
    const validateManifest = compileAlone(printedSchema([]));
    const reported = edgewiseFindings(folder, names);
    for (const name of names) {
      const document = parseYaml(readFileSync(join(folder, name), 'utf8')) as unknown;
      expect(disagreements(name, editorPlaces(validateTemplate, document), reported.get(name)!, document, 'manifest')).toEqual([]);
      const mappings = createOptionsOf(document).map((options) => options.pointer);
      expect(mappings.length).toBeGreaterThan(0);
      const typeErrors = editorPlaces(validateManifest, document).filter((place) => place.error.keyword === 'type');
      expect(typeErrors.map((place) => `${place.pointer} ${place.error.message}`).sort()).toEqual(mappings.map((pointer) => `${pointer} must be string`).sort());
    }
    expect(reported.get('broken.yaml')!.map((finding) => finding.message)).toEqual([expect.stringContaining('`restartPolicy` must be one of')]);
  });
});

function parsedObject(text: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    return isObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** A document holding `value` at `pointer`, so places inside a createOptions text can be looked up. */
function wrapAt(pointer: string, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  setAt(root, pointer, value);
  return root;
}

function setAt(document: unknown, pointer: string, value: unknown): void {
  const segments = pointerSegments(pointer);
  let node = document as Record<string, unknown>;
  for (const segment of segments.slice(0, -1)) {
    if (!isObject(node[segment])) node[segment] = {};
    node = node[segment] as Record<string, unknown>;
  }
  node[segments[segments.length - 1]!] = value;
}
