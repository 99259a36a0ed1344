// Issue 9: `lint -o m.json m.json` replaced the manifest with the report; `-o` naming a folder
// died with EISDIR, and a path under a regular file with "EEXIST: mkdir", both as internal
// errors. Every command that writes now refuses, before writing anything, an output that is one
// of its inputs (compared as files, so a symbolic link is caught too), a folder, or a path under
// a regular file: one line on stderr, exit 2. The manifests are real public ones (loader-cli.ts).
import { copyFileSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { BASE_MANIFEST, edgewise, expectInputRefused, ROOT, scratchFolder, type CliRun } from './loader-cli.js';

const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');
const TEMPLATE_SOLUTION = join(ROOT, 'test', 'fixtures', 'generate', 'solution');

let folder: string;
let manifest: string;
let original: string;
beforeEach(() => {
  folder = scratchFolder('outputs');
  manifest = join(folder, 'deployment.json');
  copyFileSync(BASE_MANIFEST, manifest);
  original = readFileSync(manifest, 'utf8');
  // Folders named like files, so convert's and offline enable's own extension checks pass.
  mkdirSync(join(folder, 'reports.yaml'));
  mkdirSync(join(folder, 'reports.json'));
  writeFileSync(join(folder, 'notes.txt'), 'not a folder\n');
});

function expectOneLineRefusal(run: CliRun, message: RegExp): void {
  expectInputRefused(run, message, [2]);
  expect(run.stdout).toBe('');
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(readFileSync(manifest, 'utf8')).toBe(original);
}

describe('an output over an input is refused, the input left as it was', () => {
  it('lint -f json -o m.json m.json', () => {
    expectOneLineRefusal(edgewise(['lint', '-f', 'json', '-o', manifest, manifest]), /--output .*deployment\.json is the input .*deployment\.json/);
  });

  it('lint -f sarif -o pointing at a manifest found in a folder being linted', () => {
    expectOneLineRefusal(edgewise(['lint', folder, '-f', 'sarif', '-o', manifest]), /is the input/);
  });

  it('lint of a folder may write its JSON report over the report of the last run there, which is no manifest', () => {
    const report = join(folder, 'edgewise-report.json');
    for (let run = 0; run < 2; run++) {
      const linted = edgewise(['lint', folder, '-f', 'json', '-o', report]);
      expect(linted.stderr).toBe('');
      expect(linted.code).toBe(0);
      expect(JSON.parse(readFileSync(report, 'utf8')).summary.files).toBe(1);
    }
  });

  it('lint through a symbolic link to the input', () => {
    const link = join(folder, 'link.json');
    symlinkSync(manifest, link);
    expectOneLineRefusal(edgewise(['lint', manifest, '-f', 'json', '-o', link]), /is the same file as the input/);
  });

  it('convert -o through a symbolic link named in the other format', () => {
    const link = join(folder, 'deployment.yaml');
    symlinkSync(manifest, link);
    expectOneLineRefusal(edgewise(['convert', manifest, '-o', link]), /is the same file as the input/);
  });

  it.each([
    ['offline enable', () => ['offline', 'enable', manifest, '-o', manifest]],
    ['patch (over the manifest)', () => ['patch', manifest, join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json'), '-o', manifest]],
    ['merge (over the base)', () => ['merge', manifest, LAYERED, '--priority', '10', '-o', manifest]],
  ] as [string, () => string[]][])('%s', (_name, args) => {
    expectOneLineRefusal(edgewise(args()), /is the input/);
  });

  it('merge over a layer', () => {
    const layer = join(folder, 'layer.json');
    copyFileSync(LAYERED, layer);
    expectOneLineRefusal(edgewise(['merge', manifest, layer, '--priority', '10', '-o', layer]), /is the input .*layer\.json/);
  });
});

describe('an output that is a folder, or under a regular file, is refused with what is wrong', () => {
  // Each writer with the extension its output takes, and its arguments.
  const writers: [string, string, (output: string) => [string[], string?]][] = [
    ['lint -f sarif', 'json', (output) => [['lint', manifest, '-f', 'sarif', '-o', output]]],
    ['convert', 'yaml', (output) => [['convert', manifest, '--to', 'yaml', '-o', output]]],
    ['offline enable', 'json', (output) => [['offline', 'enable', manifest, '-o', output]]],
    ['patch', 'json', (output) => [['patch', manifest, join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json'), '-o', output]]],
    ['merge', 'json', (output) => [['merge', manifest, LAYERED, '--priority', '10', '-o', output]]],
    ['init', 'json', (output) => [['init', '-o', output, '--force']]],
    ['gen', 'json', (output) => [['gen', 'deployment.template.json', '-o', output], TEMPLATE_SOLUTION]],
  ];

  it.each(writers)('%s -o <folder>', (_name, extension, command) => {
    const [args, cwd] = command(join(folder, `reports.${extension}`));
    expectOneLineRefusal(edgewise(args, { cwd }), /cannot write .*reports\.(json|yaml): it is a folder; name a file inside it/);
  });

  it.each(writers)('%s -o <file>/<name>', (_name, extension, command) => {
    const [args, cwd] = command(join(folder, 'notes.txt', `out.${extension}`));
    expectOneLineRefusal(edgewise(args, { cwd }), /cannot write .*out\.(json|yaml): .*notes\.txt is a file, not a folder/);
  });

  it('gen into a config folder that is a file', () => {
    const solution = join(folder, 'solution');
    mkdirSync(solution);
    for (const name of ['deployment.template.json', '.env']) copyFileSync(join(TEMPLATE_SOLUTION, name), join(solution, name));
    mkdirSync(join(solution, 'modules'));
    writeFileSync(join(solution, 'config'), '');
    const run = edgewise(['gen', 'deployment.template.json', '--modules-dir', join(TEMPLATE_SOLUTION, 'modules')], { cwd: solution });
    expectInputRefused(run, /cannot write .*deployment\.amd64\.json: .*config is a file, not a folder/, [2]);
  });
});
