// Issue 10: the public API (src/index.ts) returns the data the CLI renders and never prints,
// exits or writes: validate() and lint() resolve to what `--format json` prints, diff() to
// `diff --format json` (a side may be a document, such as a twin), planOffline() to
// `offline plan --format json`; the commands that make a manifest return it, or a refusal.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { runOfflinePlan } from '../../src/cli/commands/offline-plan.js';
import { runValidate } from '../../src/cli/commands/validate.js';
import * as edgewise from '../../src/index.js';

const ROOT = join(import.meta.dirname, '..', '..');
const BROKEN = join(ROOT, 'test', 'fixtures', 'package', 'deployment.json');
const MINIMAL = join(ROOT, 'templates', 'minimal.json');
const OFFLINE = join(ROOT, 'templates', 'offline.json');
const FIXTURES = join(ROOT, 'test', 'fixtures');

describe('the library', () => {
  let written: string[];
  beforeEach(() => {
    written = [];
    const capture = (text: string | Uint8Array): boolean => (written.push(String(text)), true);
    vi.spyOn(process.stdout, 'write').mockImplementation(capture);
    vi.spyOn(process.stderr, 'write').mockImplementation(capture);
    vi.spyOn(process, 'exit').mockImplementation(() => {
      throw new Error('the library called process.exit');
    });
  });
  afterEach(() => {
    vi.restoreAllMocks();
    // Nothing printed, and no exit code decided.
    expect(written).toEqual([]);
    expect(process.exitCode ?? 0).toBe(0);
  });

  it('exports the functions issue 10 names', () => {
    for (const name of ['loadManifest', 'normalizeManifest', 'validate', 'lint', 'diff', 'applyPatch', 'merge', 'generate', 'enableOffline', 'planOffline', 'compileRoute']) {
      expect(typeof (edgewise as Record<string, unknown>)[name], name).toBe('function');
    }
  });

  it('validate() and lint() resolve to what --format json prints', async () => {
    const validated = await edgewise.validate([BROKEN]);
    expect(validated).toEqual(JSON.parse((await runValidate([BROKEN], { format: 'json', color: false })).stdout));
    expect(validated.summary).toEqual({ files: 1, errors: 1, warnings: 0, infos: 0 });
    const linted = await edgewise.lint([BROKEN]);
    expect(linted).toEqual(JSON.parse((await runLint([BROKEN], { reports: [{ format: 'json' }], color: false, toolVersion: 'test' })).stdout));
    expect(linted).toMatchObject({ version: 1, summary: { files: 1, errors: 2, warnings: 2 } });
    expect((await edgewise.lint([BROKEN], { quiet: true })).results.every((finding) => finding.severity === 'error')).toBe(true);
  });

  it('diff() resolves to what diff --format json prints, and takes a document for a side', async () => {
    const report = await edgewise.diff(MINIMAL, BROKEN);
    expect(report).toEqual(JSON.parse((await runDiff(MINIMAL, BROKEN, { format: 'json' })).stdout));
    expect(report.different).toBe(true);
    const twin = JSON.parse(readFileSync(BROKEN, 'utf8'));
    expect(await edgewise.diff(MINIMAL, { file: 'twin', value: twin })).toEqual({ ...report, b: 'twin' });
  });

  it('planOffline() resolves to what offline plan --format json prints, for a file or a document', async () => {
    const plan = await edgewise.planOffline(OFFLINE, { rate: 10, size: 512, disk: '8GB' });
    expect(plan).toEqual(JSON.parse((await runOfflinePlan(OFFLINE, { rate: 10, size: 512, disk: '8GB', format: 'json' })).stdout));
    const twin = JSON.parse(readFileSync(OFFLINE, 'utf8'));
    expect(await edgewise.planOffline({ file: 'twin', value: twin }, { rate: 10, size: 512, disk: '8GB' })).toEqual({ ...plan, file: 'twin' });
  });

  it('normalizes a document without a file: the model of a twin', async () => {
    const twin = JSON.parse(readFileSync(OFFLINE, 'utf8'));
    const model = await edgewise.normalizeManifest(twin, { flavour: 'manifest' });
    expect(model.modules.map((module) => module.name)).toEqual((await edgewise.loadManifest(OFFLINE)).manifest.modules.map((module) => module.name));
    expect(model.flavour).toBe('manifest');
  });

  it('loads a manifest into the model, and narrows it to the generated types', async () => {
    const loaded = await edgewise.loadManifest(MINIMAL);
    expect(loaded.manifest.modules.map((module) => module.name)).toEqual(['edgeAgent', 'edgeHub']);
    expect(edgewise.isDeploymentManifest(loaded.value)).toBe(true);
    expect(edgewise.isDeploymentManifest((await edgewise.loadManifest(BROKEN)).value)).toBe(false);
    await expect(edgewise.loadManifest('-', { readStdin: () => '{ "modulesContent": ' })).rejects.toMatchObject({ name: 'ManifestError', code: 'unparsable', place: { file: '<stdin>', line: 1 } });
    await expect(edgewise.loadManifest(join(ROOT, 'no-such.json'))).rejects.toBeInstanceOf(edgewise.InputError);
  });

  it('returns the manifests it makes, or why it refused them, and writes no file', async () => {
    const patched = await edgewise.applyPatch(join(FIXTURES, 'diff', 'base.json'), join(FIXTURES, 'diff', 'breaks-restart-policy.patch.json'), { output: 'out.json' });
    expect(patched.refusal).toMatchObject({ command: 'patch', target: 'out.json', subject: 'the result', errors: 1 });
    const merged = await edgewise.merge(join(FIXTURES, 'merge', 'docs-base.json'), [{ path: join(FIXTURES, 'merge', 'layer-alerts-v1.json'), priority: 10 }]);
    expect(merged.refusal).toBeUndefined();
    expect(merged.text).toContain('"alertsToUpstream": "FROM /messages/modules/alerts/* INTO $upstream"');
    const generated = await edgewise.generate(['deployment.template.json'], { cwd: join(FIXTURES, 'generate', 'solution'), environment: {} });
    expect(generated.outputs.map((output) => output.status)).toEqual(['generated']);
    const enabled = await edgewise.enableOffline(MINIMAL, { ttl: 86400 });
    expect(enabled.refusal).toBeUndefined();
    expect(enabled.changed).toBe(true);
    expect(readFileSync(MINIMAL, 'utf8')).not.toContain('86400');
  });

  it('compiles a route as edgeHub does', () => {
    const compiled = edgewise.compileRoute('FROM /messages/modules/sensor/* INTO $upstream');
    expect(compiled.ok && compiled.route.delivers({ systemProperties: { connectionModuleId: 'sensor', outputName: 'out' } })).toBe(true);
  });
});
