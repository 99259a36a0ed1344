// Issue 9, items 1 and 3: nesting deep enough to exhaust the stack. The loader measures depth
// before anything recursive runs (for YAML, while the parser reads; for JSON, in the key count
// the duplicate-key check makes anyway), so every command refuses such input with one parse
// finding instead of a stack overflow, or the V8 abort ("RegExpCompiler Allocation failed",
// exit 134) that two such YAML files used to cause. The deep values are planted in a real public
// manifest (see loader-cli.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_NESTING_DEPTH } from '../../src/manifest/nesting-depth.js';
import { parseSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';
import { validateSource } from '../../src/validate/validate-source.js';
import { baseManifest, BASE_MANIFEST, edgewise, expectInputRefused, ROOT, scratchFolder } from './loader-cli.js';

const TOO_DEEP = /nests so deeply/;
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');

async function placedParse(file: string, text: string) {
  const parsed = await parseSource({ file, text });
  return parsed.ok ? undefined : (await placeFindings(file, text, [parsed.finding]))[0];
}

const brackets = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);
const blockMap = (levels: number): string => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
const compactSequence = (levels: number): string => `${'- '.repeat(levels)}x\n`;

describe('the loader refuses nesting past the limit, in every syntax, before walking it', () => {
  it('allows 100 levels, the limit', () => {
    expect(MAX_NESTING_DEPTH).toBe(100);
  });

  it.each([
    ['JSON', 'deep.json', (levels: number) => `{"a": ${brackets(levels - 1)}}`],
    ['YAML flow', 'deep.yaml', (levels: number) => `a: ${brackets(levels - 1)}\n`],
    ['YAML block mapping', 'deep.yaml', blockMap],
    ['YAML compact sequence', 'deep.yaml', compactSequence],
    ['YAML flow mapping in a block', 'deep.yaml', (levels: number) => `a:\n  b: ${'{c: '.repeat(levels - 2)}1${'}'.repeat(levels - 2)}\n`],
  ])('%s: 100 levels parse, 101 are refused', async (_syntax, file, nest) => {
    const fits = await parseSource({ file, text: nest(MAX_NESTING_DEPTH) });
    expect(fits.ok).toBe(true);
    const refused = await placedParse(file, nest(MAX_NESTING_DEPTH + 1));
    expect(refused).toMatchObject({ ruleId: 'parse', severity: 'error' });
    expect(refused!.message).toMatch(TOO_DEEP);
  });

  it('points at the bracket that opens level 101 in JSON and flow YAML', async () => {
    const prefix = '{"modulesContent": ';
    expect(await placedParse('deep.json', `${prefix}${brackets(10_000)}}`)).toMatchObject({ line: 1, column: prefix.length + MAX_NESTING_DEPTH });
    expect(await placedParse('deep.yaml', `modulesContent: ${brackets(10_000)}\n`)).toMatchObject({ line: 1, column: 'modulesContent: '.length + MAX_NESTING_DEPTH });
  });

  it('points at the line of the key that opens level 101 in block YAML', async () => {
    expect(await placedParse('deep.yaml', blockMap(2_000))).toMatchObject({ line: MAX_NESTING_DEPTH + 1 });
  });

  it('refuses 1,000,000 levels of flow YAML without reading past the limit (5 MB)', async () => {
    const refused = await placedParse('deep.yaml', `a: ${'['.repeat(1_000_000)}`);
    expect(refused!.message).toMatch(TOO_DEEP);
  });

  it('refuses unterminated deep JSON with the nesting message, not a stack overflow in the error explainer', async () => {
    const refused = await placedParse('deep.json', `{"a": ${'['.repeat(100_000)}`);
    expect(refused!.message).toMatch(TOO_DEEP);
  });

  it('validates 100,000 levels of JSON into one finding, with no stack overflow to catch', async () => {
    const { findings } = await validateSource({ file: 'deep.json', text: `{"modulesContent": ${brackets(100_000)}}` });
    expect(findings).toEqual([expect.objectContaining({ ruleId: 'parse' })]);
  });
});

describe('issue 9 item 1: two files of "[" repeated 1,000 times', () => {
  let folder: string;
  let a: string;
  let b: string;
  beforeAll(() => {
    folder = scratchFolder('brackets');
    a = join(folder, 'a.yaml');
    b = join(folder, 'b.yaml');
    writeFileSync(a, '['.repeat(1000));
    writeFileSync(b, '['.repeat(1000));
  });

  it.each(['validate', 'lint'])('%s a.yaml b.yaml gives a parse finding for each file', (command) => {
    const run = edgewise([command, a, b, '--format', 'json']);
    expectInputRefused(run, TOO_DEEP, [1]);
    const report = JSON.parse(run.stdout);
    expect(report.results.map((finding: { ruleId: string }) => finding.ruleId)).toEqual(['parse', 'parse']);
  });

  it.each(['validate', 'lint'])('%s on the folder holding both ends cleanly', (command) => {
    // Neither file mentions a manifest key, so the folder walk skips them: no manifests found.
    expectInputRefused(edgewise([command, folder]), /no manifests found/, [2]);
  });

  it('diff a.yaml b.yaml refuses the input', () => {
    expectInputRefused(edgewise(['diff', a, b]), TOO_DEEP, [2]);
  });
});

describe('issue 9 item 3: 10,000 levels in a real manifest, through every command', () => {
  const LEVELS = 10_000;
  let folder: string;
  const files: Record<string, string> = {};

  beforeAll(() => {
    folder = scratchFolder('deep');
    const path = (name: string) => join(folder, name);
    const manifest = baseManifest();
    manifest.content.modulesContent.mymodule0['properties.desired'].deep = '@DEEP@';
    const json = JSON.stringify(manifest, null, 2).replace('"@DEEP@"', brackets(LEVELS));
    files.json = path('deep.json');
    writeFileSync(files.json, json);
    // The same manifest as block YAML, nested with compact sequences ("- - - x"): 20 KB of text.
    const yaml = stringify(baseManifest()).replace(/^( *)prop0: val0\n/m, (line, indent: string) => `${line}${indent}deep:\n${indent}  ${compactSequence(LEVELS)}`);
    files.yaml = path('deep.yaml');
    writeFileSync(files.yaml, yaml);
    files.patch = path('patch.json');
    writeFileSync(files.patch, '[]');
    files.deepPatch = path('deep-patch.json');
    writeFileSync(files.deepPatch, `[{"op": "add", "path": "/content/metrics", "value": ${brackets(LEVELS)}}]`);
    files.deepLayer = path('deep-layer.json');
    writeFileSync(files.deepLayer, `{"content": {"modulesContent": {"$edgeAgent": {"properties.desired.modules.deep": ${brackets(LEVELS)}}}}}`);
  });

  const commands: [string, (file: string) => string[], number[]][] = [
    ['validate', (file) => ['validate', file], [1]],
    ['lint', (file) => ['lint', file], [1]],
    ['convert', (file) => ['convert', file], [1]],
    ['diff (as A)', (file) => ['diff', file, BASE_MANIFEST], [2]],
    ['diff (as B)', (file) => ['diff', BASE_MANIFEST, file], [2]],
    ['patch (the manifest)', (file) => ['patch', file, files.patch!], [2]],
    ['merge (the base)', (file) => ['merge', file, LAYERED, '--priority', '10'], [2]],
    ['offline enable', (file) => ['offline', 'enable', file], [1]],
    ['offline plan', (file) => ['offline', 'plan', file, '--rate', '1', '--size', '1KB'], [1]],
    ['gen', (file) => ['gen', file, '-o', join(folder, 'generated.json')], [1]],
  ];

  for (const format of ['json', 'yaml']) {
    it.each(commands)(`%s refuses the deep ${format.toUpperCase()} manifest`, (_name, args, codes) => {
      expectInputRefused(edgewise(args(files[format]!)), TOO_DEEP, codes);
    });
  }

  it('patch refuses a deep patch document', () => {
    expectInputRefused(edgewise(['patch', BASE_MANIFEST, files.deepPatch!]), TOO_DEEP, [2]);
  });

  it('merge refuses a deep layer', () => {
    expectInputRefused(edgewise(['merge', BASE_MANIFEST, files.deepLayer!, '--priority', '10']), TOO_DEEP, [2]);
  });

  it('diff --layer refuses a deep layer', () => {
    expectInputRefused(edgewise(['diff', BASE_MANIFEST, BASE_MANIFEST, '--layer', files.deepLayer!, '--priority', '10']), TOO_DEEP, [2]);
  });
});

describe('createOptions nested past the limit inside its string', () => {
  // The loader sees one string; its content is parsed later, and every rule and diff walks it.
  let file: string;
  beforeAll(() => {
    const manifest = baseManifest();
    const modules = manifest.content.modulesContent.$edgeAgent['properties.desired'].modules;
    const module = modules[Object.keys(modules)[0]!];
    module.settings.createOptions = `{"HostConfig":${brackets(5_000)}}`;
    file = join(scratchFolder('deep-create-options'), 'deployment.json');
    writeFileSync(file, JSON.stringify(manifest, null, 2));
  });

  it.each([
    ['lint', (path: string) => ['lint', path], [1]],
    ['diff', (path: string) => ['diff', BASE_MANIFEST, path], [0, 1]],
  ] as [string, (path: string) => string[], number[]][])('%s reports it as createOptions, not as an internal error', (_name, args, codes) => {
    const run = edgewise(args(file));
    expectInputRefused(run, _name === 'lint' ? /createOptions nests deeper than 100 levels/ : /createOptions/, codes);
  });
});
