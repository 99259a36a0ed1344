// Defects the property test (property.test.ts) found, each rebuilt from its shrunk counterexample
// as a plain test. The manifests are real public ones from the corpus: the Azure IoT CLI
// extension's test deployment (loader-cli.ts), iotedgehubdev's deployment with chunked
// createOptions (tests/test_compose_resources/deployment_with_chunked_create_options.json),
// marvin-garcia/AzureSqlEdge's layered sqledge.template.json, the CLI extension's layered test
// deployment, Azure-Samples/iot-edge-influxdb-grafana's template and the MS Learn
// layered-deployment page's base (test/fixtures/merge/docs-base.json).
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { runPatch } from '../../src/cli/commands/patch.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { applyFixesToText, UneditableTextError } from '../../src/lint/apply-fixes.js';
import { fixSource } from '../../src/lint/fix-source.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { runMerge } from '../../src/cli/commands/merge.js';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import { RULES } from '../../src/rules/index.js';
import { runValidate } from '../../src/cli/commands/validate.js';
import { baseManifest, BASE_MANIFEST, ROOT, scratchFolder } from './loader-cli.js';

const CHUNKED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__iotedgehubdev__tests__test_compose_resources__deployment_with_chunked_create_options.json');
const BOM = '\uFEFF';
const lint = (file: string, extra: { fix?: boolean; fixDryRun?: boolean } = {}) => runLint([file], { reports: [{ format: 'stylish' }, { format: 'json', output: 'x.json' }], color: false, toolVersion: 'test', ...extra });

describe('a secret split across createOptions chunks, with a chunk missing', () => {
  // The counterexample: createOptions cut into 16-character chunks with createOptions01 missing,
  // so edgeAgent refuses to join them, and `DB_PASSWORD=…` runs across createOptions03 and 04.
  // diff showed createOptions04 as added, holding the secret's second half.
  const SECRET = 'Fz5pW8dR3fT6yU1iOpIx';
  const runs = (secret: string): string[] => Array.from({ length: secret.length - 5 }, (_, start) => secret.slice(start, start + 6));

  /** The deployment with mymodule0's createOptions in 16-character chunks, createOptions01 left out, or (`past99`) so many that the secret lies past createOptions99. */
  function chunkedWithGap(past99 = false): string {
    const manifest = baseManifest();
    const settings = manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.mymodule0.settings;
    const labels = past99 ? { Labels: Object.fromEntries(Array.from({ length: 100 }, (_, index) => [`com.example.label${index}`, 'x'])) } : {};
    const text = JSON.stringify({ MemorySwap: 0, MemoryReservation: 0, ...labels, Env: [`DB_PASSWORD=${SECRET}`] });
    delete settings.createOptions;
    for (let start = 0, index = 0; start < text.length; start += 16, index++) settings[index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`] = text.slice(start, start + 16);
    if (!past99) delete settings.createOptions01;
    const file = join(scratchFolder('chunk-gap'), 'deployment.json');
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    return file;
  }

  it('the manifest is as the counterexample: the secret straddles two chunks after the gap', () => {
    const settings = JSON.parse(readFileSync(chunkedWithGap(), 'utf8')).content.modulesContent.$edgeAgent['properties.desired'].modules.mymodule0.settings;
    expect(settings.createOptions01).toBeUndefined();
    expect(settings.createOptions03).toBe('_PASSWORD=Fz5pW8');
    expect(settings.createOptions04).toBe('dR3fT6yU1iOpIx"]');
  });

  it('diff, validate and lint print no 6-character run of it', async () => {
    const file = chunkedWithGap();
    const outputs = [
      ...(await Promise.all((['text', 'json', 'patch', 'markdown'] as const).map(async (format) => (await runDiff(BASE_MANIFEST, file, { format })).stdout))),
      (await runValidate([file], { format: 'json', color: false })).stdout,
      (await lint(file)).stdout,
      (await lint(file)).files[0]!.text,
    ];
    expect(outputs.join('\n')).toContain('createOptions04');
    for (const run of runs(SECRET)) expect(outputs.join('\n')).not.toContain(run);
  });

  it("nor when the chunks hold a copy of an env var's secret, in JSON rather than as NAME=value", async () => {
    const manifest = baseManifest();
    const module = manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.mymodule0;
    module.env.DB_PASSWORD = { value: SECRET };
    const text = JSON.stringify({ Labels: { 'com.example.copy': SECRET } });
    delete module.settings.createOptions;
    for (let start = 0, index = 0; start < text.length; start += 16, index++) module.settings[index === 0 ? 'createOptions' : `createOptions${String(index).padStart(2, '0')}`] = text.slice(start, start + 16);
    delete module.settings.createOptions01;
    // The gap took the secret's first letter with createOptions01; createOptions02 lies wholly inside it.
    expect(module.settings.createOptions02).toBe('z5pW8dR3fT6yU1iO');
    const file = join(scratchFolder('chunk-copy'), 'deployment.json');
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    const outputs = await Promise.all((['text', 'patch'] as const).map(async (format) => (await runDiff(BASE_MANIFEST, file, { format })).stdout));
    expect(outputs.join('\n')).toContain('createOptions03');
    for (const run of runs(SECRET)) expect(outputs.join('\n')).not.toContain(run);
  });

  it('nor in the preview of a fix that re-splits createOptions into 512-character chunks, cutting the secret', async () => {
    // The counterexample: one createOptions string longer than 512 characters, which the
    // create-options-chunks fix splits; the preview showed the new chunk holding the secret's end.
    const manifest = baseManifest();
    const settings = manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.mymodule0.settings;
    const text = JSON.stringify({ Labels: { 'com.example.note': 'x'.repeat(450) }, Env: [`DB_PASSWORD=${SECRET}`] });
    expect(text.indexOf(SECRET)).toBeLessThan(512);
    expect(text.indexOf(SECRET) + SECRET.length).toBeGreaterThan(512);
    settings.createOptions = text;
    const file = join(scratchFolder('fix-rechunk'), 'deployment.json');
    writeFileSync(file, JSON.stringify(manifest, null, 2));
    const result = await lint(file, { fixDryRun: true });
    expect(result.stdout).toMatch(/^\+\s+"createOptions01"/m);
    for (const run of runs(SECRET)) expect(result.stdout + result.stderr).not.toContain(run);
  });

  it('nor when it lies past createOptions99, in keys edgeAgent ignores', async () => {
    const file = chunkedWithGap(true);
    const settings = JSON.parse(readFileSync(file, 'utf8')).content.modulesContent.$edgeAgent['properties.desired'].modules.mymodule0.settings;
    const holding = Object.keys(settings).filter((key) => typeof settings[key] === 'string' && runs(SECRET).some((run) => settings[key].includes(run)));
    expect(holding.every((key) => Number(key.slice('createOptions'.length)) > 99)).toBe(true);
    const outputs = await Promise.all((['text', 'patch'] as const).map(async (format) => (await runDiff(BASE_MANIFEST, file, { format })).stdout));
    expect(outputs.join('\n')).toContain(holding[0]);
    for (const run of runs(SECRET)) expect(outputs.join('\n')).not.toContain(run);
  });
});

describe('lint fixes and offline edits on text they cannot edit in place', () => {
  it('lint --fix-dry-run on a JSON file with a byte order mark previews the fix (was "Unexpected token \'\\ufeff\'")', async () => {
    const file = join(scratchFolder('fix-bom'), 'deployment.json');
    writeFileSync(file, BOM + readFileSync(CHUNKED, 'utf8'));
    const result = await lint(file, { fixDryRun: true });
    expect(result.stdout).toMatch(/^\+\s+"createOptions01"/m);
    expect(result.stderr).toMatch(/would fix/);
  });

  it('lint --fix keeps the byte order mark', async () => {
    const file = join(scratchFolder('fix-bom'), 'deployment.json');
    writeFileSync(file, BOM + readFileSync(CHUNKED, 'utf8'));
    await lint(file, { fix: true });
    const written = readFileSync(file, 'utf8');
    expect(written.startsWith(BOM)).toBe(true);
    expect(written).not.toBe(BOM + readFileSync(CHUNKED, 'utf8'));
  });

  it('lint --fix-dry-run on YAML holding a key twice reports the findings and leaves the text (was "Document with errors cannot be stringified")', async () => {
    const yaml = stringify(JSON.parse(readFileSync(CHUNKED, 'utf8'))).replace(/\n(\s+)restartPolicy: never\n/, '\n$1restartPolicy: []\n$1restartPolicy: never\n');
    const file = join(scratchFolder('fix-duplicate'), 'deployment.yaml');
    writeFileSync(file, yaml);
    const result = await lint(file, { fixDryRun: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/duplicate-key/);
    const fixed = await fixSource({ file, text: yaml }, { rules: RULES, config: { rules: {} } });
    expect(fixed.text).toBe(yaml);
    expect(fixed.unfixable).toMatch(/^a key appears twice in one mapping at line \d+, column \d+; correct it first$/);
  });

  it('lint --fix-dry-run on JSON holding a key twice, the first null, leaves the text (was "Can not add index to parent of type null")', async () => {
    // The fix rewrites tempSensor's chunks under "settings"; a first "settings": null is what the editor would meet.
    const json = readFileSync(CHUNKED, 'utf8').replace(
      /\n(\s+)"settings": \{(\s+)"image": "mcr\.microsoft\.com\/azureiotedge-simulated-temperature-sensor/,
      '\n$1"settings": null,\n$1"settings": {$2"image": "mcr.microsoft.com/azureiotedge-simulated-temperature-sensor',
    );
    expect(json).toMatch(/"settings": null,/);
    const file = join(scratchFolder('fix-duplicate'), 'deployment.json');
    writeFileSync(file, json);
    const result = await lint(file, { fixDryRun: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/duplicate-key/);
    const fixed = await fixSource({ file, text: json }, { rules: RULES, config: { rules: {} } });
    expect(fixed.text).toBe(json);
    expect(fixed.unfixable).toMatch(/^a key appears twice in one object at line \d+, column \d+; correct it first$/);
  });

  /** The CLI extension's deployment in YAML, with edgeHub's desired properties an alias of a node anchored before it. */
  function hubThroughAlias(): string {
    const manifest = baseManifest();
    const modules = manifest.content.modulesContent;
    const hub = modules.$edgeHub['properties.desired'];
    const { $edgeHub, ...rest } = modules;
    manifest.content.modulesContent = { ...rest, hubDefaults: { 'properties.desired': hub }, $edgeHub: { 'properties.desired': hub } };
    return stringify(manifest);
  }

  it('offline enable refuses an edit through a YAML alias, naming it (was "Expected YAML collection at properties.desired")', async () => {
    const yaml = hubThroughAlias();
    expect(yaml).toMatch(/\$edgeHub:\n\s+properties\.desired: \*a1/);
    const result = await runOfflineEnable('-', { ttl: 3600, readStdin: () => yaml });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/offline enable cannot edit this file: \/content\/modulesContent\/\$edgeHub\/properties\.desired is the alias \*a1, so editing \S+ would change every place that uses the anchor &a1/);
  });

  it('the editor refuses, rather than crashes, for each caller', () => {
    expect(() => applyFixesToText(hubThroughAlias(), 'yaml', [{ op: 'set', path: ['content', 'modulesContent', '$edgeHub', 'properties.desired', 'schemaVersion'], value: '1.2' }])).toThrow(UneditableTextError);
    expect(() => applyFixesToText('a: 1\na: 2\n', 'yaml', [{ op: 'set', path: ['b'], value: 1 }])).toThrow(UneditableTextError);
    expect(applyFixesToText(`${BOM}{"a": 1}`, 'json', [{ op: 'set', path: ['a'], value: 2 }])).toBe(`${BOM}{"a": 2}`);
  });
});

describe('patch operations the JSON Patch library would crash on', () => {
  async function refusal(operations: unknown[]): Promise<string> {
    const dir = scratchFolder('patch-crash');
    const manifest = join(dir, 'deployment.json');
    copyFileSync(BASE_MANIFEST, manifest);
    writeFileSync(join(dir, 'change.patch.json'), JSON.stringify(operations));
    try {
      await runPatch(manifest, join(dir, 'change.patch.json'));
    } catch (error) {
      expect((error as Error).name).toBe('InputError');
      return (error as Error).message;
    }
    throw new Error('the patch was applied');
  }

  it('a path into a document an earlier operation replaced with null (was "Cannot read properties of null")', async () => {
    expect(
      await refusal([
        { op: 'replace', path: '', value: null },
        { op: 'add', path: '/content', value: {} },
      ]),
    ).toMatch(/operation 2 \(add \/content\) does not apply: the manifest is null, not an object, so \/content does not exist/);
  });

  it('a move of a missing node over the whole document (was "Cannot read properties of undefined")', async () => {
    expect(await refusal([{ op: 'move', from: '/content/modulesContent/nowhere/OomKillDisable', path: '' }])).toMatch(
      /operation 1 \(move \) does not apply: "from" \/content\/modulesContent\/nowhere\/OomKillDisable does not exist/,
    );
    expect(await refusal([{ op: 'copy', from: '/content/nowhere', path: '' }])).toMatch(/"from" \/content\/nowhere does not exist/);
  });
});

describe("merge refusing a result that quotes a layer's secret", () => {
  // The counterexample: a layer whose twin secret sits where merge does not take it (a key
  // outside "properties.desired"), and a copy of it as a module's whole value. The refusal quoted
  // the copy, since only the base's and the result's secrets were known.
  const SECRET = 'Fz1nK3yP8qR5sV2xEeTw';
  const SQLEDGE = join(ROOT, 'test', 'fixtures', 'corpus', 'wild', 'marvin-garcia__AzureSqlEdge__EdgeSolution__sqledge.template.json');

  it('masks it in every line', async () => {
    const layer = JSON.parse(readFileSync(SQLEDGE, 'utf8'));
    layer.content.modulesContent.$edgeAgent['properties.desired.modules.sqlEdge'] = SECRET;
    layer.content.modulesContent.sqlEdge = { apiKey: SECRET };
    const file = join(scratchFolder('merge-secret'), 'sqledge.template.json');
    writeFileSync(file, JSON.stringify(layer, null, 2));
    const result = await runMerge(join(ROOT, 'test', 'fixtures', 'merge', 'docs-base.json'), [{ path: file, priority: 10 }], { output: 'merged.json' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/`sqlEdge` must be an object \(got string "\*\*\*\*"\)/);
    expect(result.stderr).not.toContain(SECRET.slice(0, 6));
  });
});

describe('diff of a layer whose secret sits where the meaning leaves it out', () => {
  // The counterexample: the CLI extension's layered deployment with a twin secret under a key
  // outside "properties.desired" (so not in the effective twin diff compares) and a copy of it
  // as a module's whole value. diff showed the copy: it knew only the secrets of the meaning.
  const SECRET = 'Fz1nK3yP8qR5sV2xEeTw';
  const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');

  it('masks it in every format', async () => {
    const layer = JSON.parse(readFileSync(LAYERED, 'utf8'));
    layer.content.modulesContent.$edgeAgent['properties.desired.modules.mymodule0'] = SECRET;
    layer.content.modulesContent.mymodule0.apiKey = SECRET;
    const file = join(scratchFolder('diff-layer-secret'), 'layered.json');
    writeFileSync(file, JSON.stringify(layer, null, 2));
    for (const format of ['text', 'json', 'patch', 'markdown'] as const) {
      const result = await runDiff(LAYERED, file, { format });
      expect(result.stdout, format).toMatch(/mymodule0/);
      expect(result.stdout, format).not.toContain(SECRET.slice(0, 6));
    }
  });
});

describe("gen refusing a template that quotes the template's own secret", () => {
  // The counterexample, reduced: a template with chunked createOptions whose chunk boundary cuts
  // a placeholder (`${GRAFANA` | `_ADMIN_PASSWORD}`). The unresolved-placeholder message used to
  // quote the template text up to the next "}", which holds a copy of an env var's secret, and gen
  // knew only the secrets it filled in, none of the template's own. A braced placeholder now
  // stops at the quote, and the template's secrets are masked as well.
  const SECRET = 'Fz4jN7pR2sKd9xGeVf';
  const INFLUX = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure-Samples__iot-edge-influxdb-grafana__deployment.template.json');

  it('masks it', async () => {
    const template = JSON.parse(readFileSync(INFLUX, 'utf8'));
    const grafana = template.modulesContent.$edgeAgent['properties.desired'].modules.grafana;
    grafana.env = { DB_PASSWORD: { value: SECRET } };
    grafana.settings = { image: 'contoso.azurecr.io/grafana:1.0', createOptions: '{"Env":["GF_SECURITY_ADMIN_PASSWORD=${GRAFANA', createOptions01: `_ADMIN_PASSWORD"],"Labels":{"copy":"${SECRET}"}}` };
    const dir = scratchFolder('gen-template-secret');
    writeFileSync(join(dir, 'deployment.template.json'), JSON.stringify(template, null, 2));
    const result = await runGen(['deployment.template.json'], { cwd: dir, environment: {}, output: 'out.json' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/unresolved-placeholder/);
    // No message reads the cut placeholder across the chunk boundary any more.
    expect(result.stderr).not.toMatch(/createOptions01/);
    expect(result.stderr).not.toContain(SECRET.slice(0, 6));
  });
});
