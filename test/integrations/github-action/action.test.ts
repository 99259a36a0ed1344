// Issue 17, GitHub Action: action.yml's steps run as the runner runs a composite action
// (composite-runner.ts EMULATES the runner: there is no GitHub runner here), in a scratch
// repository, with this checkout as the action. Checked: the annotations on stdout, the SARIF file
// and the sarif-file output, lint's exit code as the step's, and each input reaching lint.
// By default the action is an installed and built copy of this checkout (its bin and dist copied,
// node_modules linked), as `uses: ./` is in edgewise's own CI, so the install step finds it
// installed; an `npm` on PATH that refuses guards the shared checkout from ever being reinstalled.
// EDGEWISE_ACTION_INSTALL=1 also runs the install step for real (`npm ci`, preferring npm's cache)
// in a copy of the checkout's files.
// mixed.json (test/fixtures/lint) has schema and rule errors; minimal.json is templates/minimal.json.
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAction, runCompositeAction, type ActionRun } from './composite-runner.js';
import { codeScanningProblems, schemaErrors, type SarifLog } from './sarif-checks.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ACTION = readAction(join(ROOT, 'action.yml'));
const MIXED = readFileSync(join(ROOT, 'test', 'fixtures', 'lint', 'mixed.json'), 'utf8');
const MINIMAL = readFileSync(join(ROOT, 'templates', 'minimal.json'), 'utf8');
const FULL_INSTALL = process.env.EDGEWISE_ACTION_INSTALL === '1';
const scratch: string[] = [];

afterAll(() => {
  for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
}, 120_000); // a fully installed copy holds a whole node_modules

let installedAction = '';
let refusingNpm = '';

beforeAll(() => {
  // A snapshot of the built CLI, so another build of this checkout running meanwhile changes nothing here.
  installedAction = mkdtempSync(join(tmpdir(), 'edgewise-action-installed-'));
  scratch.push(installedAction);
  for (const entry of ['action.yml', 'package.json', 'bin', 'dist']) cpSync(join(ROOT, entry), join(installedAction, entry), { recursive: true });
  for (const entry of ['node_modules', 'schemas', 'templates']) symlinkSync(join(ROOT, entry), join(installedAction, entry));
  refusingNpm = mkdtempSync(join(tmpdir(), 'edgewise-no-npm-'));
  scratch.push(refusingNpm);
  writeFileSync(join(refusingNpm, 'npm'), '#!/bin/sh\necho "npm $*: refused, this action copy is already installed" >&2\nexit 97\n');
  chmodSync(join(refusingNpm, 'npm'), 0o755);
}, 60_000);

/** A scratch git repository holding the given files (path -> text), as actions/checkout leaves one. */
function workspace(files: Record<string, string>): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-action-'));
  scratch.push(folder);
  execFileSync('git', ['init', '-q', folder]);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  return folder;
}

/** minimal.json with one module whose image uses :latest: a warning (image-tag) and nothing else. */
function warningOnly(): string {
  const manifest = JSON.parse(MINIMAL);
  manifest.modulesContent.$edgeAgent['properties.desired'].modules.sensor = {
    version: '1.0',
    type: 'docker',
    status: 'running',
    restartPolicy: 'always',
    settings: { image: 'mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:latest', createOptions: '{}' },
  };
  return JSON.stringify(manifest, null, 2);
}

function run(folder: string, inputs: Record<string, string> = {}): ActionRun {
  const env = { NO_COLOR: '1', PATH: `${refusingNpm}:${process.env.PATH ?? ''}` };
  return runCompositeAction(ACTION, { actionPath: installedAction, workspace: folder, inputs, env });
}

function lintStep(action: ActionRun) {
  const step = action.steps.find((entry) => entry.name === 'Lint manifests');
  if (!step) throw new Error(`the lint step did not run: ${JSON.stringify(action.steps.map((entry) => [entry.name, entry.exitCode, entry.stderr]))}`);
  return step;
}

/** The workflow commands that annotate a file (the overflow notice has no file). */
function annotations(stdout: string): string[] {
  return stdout.split('\n').filter((line) => /^::(error|warning|notice) file=/.test(line));
}

describe('action.yml as a composite action', () => {
  it('declares the inputs and the output the README documents', () => {
    expect(Object.keys(ACTION.inputs)).toEqual(['paths', 'config', 'max-warnings', 'flavour', 'sarif-file']);
    expect(ACTION.inputs['sarif-file']?.default).toBe('edgewise.sarif');
    expect(Object.keys(ACTION.outputs)).toEqual(['sarif-file']);
    // No input is pasted into a script, where a value such as $(…) would run.
    for (const step of ACTION.runs.steps) expect(step.run).not.toMatch(/\$\{\{\s*inputs\./);
  });

  it('a bad manifest: exit 1, an annotation per finding, and SARIF code scanning accepts', () => {
    const folder = workspace({ 'deploy/deployment.json': MIXED });
    const action = run(folder);
    expect(action.steps[0]?.stdout).toContain('edgewise is already installed');
    const lint = lintStep(action);
    expect(lint.stderr).toBe('');
    expect(lint.exitCode).toBe(1);
    expect(action.exitCode).toBe(1);
    const lines = annotations(lint.stdout);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.some((line) => /^::error file=deploy\/deployment\.json,line=\d+,col=\d+,title=schema::/.test(line))).toBe(true);
    expect(lines.some((line) => /^::warning file=deploy\/deployment\.json,line=\d+,col=\d+,title=image-tag::/.test(line))).toBe(true);
    expect(action.outputs['sarif-file']).toBe('edgewise.sarif');
    const text = readFileSync(join(folder, 'edgewise.sarif'), 'utf8');
    const log = JSON.parse(text) as SarifLog;
    // The same findings as the annotations, at the same places.
    const places = (log.runs?.[0]?.results ?? []).map((result) => `${result.ruleId}@${result.locations?.[0]?.physicalLocation?.region?.startLine}`);
    expect(places.sort()).toEqual(lines.map((line) => `${/title=([^:]+)::/.exec(line)?.[1]}@${/line=(\d+)/.exec(line)?.[1]}`).sort());
    expect(log.runs?.[0]?.results?.[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('deploy/deployment.json');
    expect(schemaErrors(log)).toEqual([]);
    expect(codeScanningProblems(text)).toEqual([]);
  });

  it('a clean manifest: exit 0, no annotations, and a SARIF file with no results', () => {
    const folder = workspace({ 'deployment.json': MINIMAL });
    const action = run(folder);
    const lint = lintStep(action);
    expect(lint.exitCode).toBe(0);
    expect(action.exitCode).toBe(0);
    expect(annotations(lint.stdout)).toEqual([]);
    const log = JSON.parse(readFileSync(join(folder, 'edgewise.sarif'), 'utf8')) as SarifLog;
    expect(log.runs?.[0]?.results).toEqual([]);
    expect(schemaErrors(log)).toEqual([]);
  });

  it('paths, sarif-file, max-warnings and config reach lint', () => {
    const folder = workspace({ 'a/deployment.json': warningOnly(), 'b/deployment.json': MINIMAL, 'ci/edgewise.yaml': 'rules:\n  image-tag: off\n', 'c/deployment.json': MIXED });
    const inputs = { paths: 'a/deployment.json\nb', 'sarif-file': 'reports/lint.sarif', 'max-warnings': '0' };
    const strict = run(folder, inputs);
    expect(lintStep(strict).exitCode).toBe(1);
    expect(lintStep(strict).stderr).toContain('1 warning, more than --max-warnings 0');
    expect(annotations(lintStep(strict).stdout)).toEqual([expect.stringMatching(/^::warning file=a\/deployment\.json,.*title=image-tag::/)]); // c/ is not linted
    expect(strict.outputs['sarif-file']).toBe('reports/lint.sarif');
    expect(existsSync(join(folder, 'reports', 'lint.sarif'))).toBe(true);
    const configured = run(folder, { ...inputs, config: 'ci/edgewise.yaml' });
    expect(lintStep(configured).exitCode).toBe(0);
    expect(annotations(lintStep(configured).stdout)).toEqual([]);
  });

  it('flavour reaches lint: a value lint does not know is a usage error (exit 2)', () => {
    const folder = workspace({ 'deployment.json': MINIMAL });
    expect(lintStep(run(folder, { flavour: 'template' })).exitCode).toBe(0);
    const wrong = lintStep(run(folder, { flavour: 'concrete' }));
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/--flavour/);
  });

  it('an input cannot run a command: $(…) and `…` in paths stay text', () => {
    const folder = workspace({ 'deployment.json': MINIMAL });
    for (const paths of ['deployment.json $(touch pwned)', 'deployment.json `touch pwned`', 'deployment.json\ntouch pwned']) {
      const lint = lintStep(run(folder, { paths }));
      expect(lint.exitCode, paths).toBe(2); // "$(touch" (or "touch") is a path that does not exist
      expect(lint.stderr, paths).toMatch(/no such file or folder/);
      expect(existsSync(join(folder, 'pwned')), paths).toBe(false);
    }
  });

  it('a sarif-file input of more than one line is refused (exit 2) before it can add outputs', () => {
    const folder = workspace({ 'deployment.json': MINIMAL });
    const action = run(folder, { 'sarif-file': 'edgewise.sarif\nsarif-file=/etc/passwd' });
    const lint = lintStep(action);
    expect(lint.exitCode).toBe(2);
    expect(lint.stderr).toMatch(/sarif-file input must be one line/);
    expect(action.outputs['sarif-file'] ?? '').toBe(''); // no step output was written
  });

  // Skipped by default: npm ci and the build it runs are the slow part (see the report's figures).
  if (!FULL_INSTALL) console.warn('action.test.ts: the real install step (npm ci in a copy of the checkout, 1–2 minutes) is skipped; set EDGEWISE_ACTION_INSTALL=1 to run it (.ci/long does)');
  it.skipIf(!FULL_INSTALL)('the install step runs npm ci in a copy of the checkout, from the npm cache where it can (only with EDGEWISE_ACTION_INSTALL=1)', () => {
    const actionPath = mkdtempSync(join(tmpdir(), 'edgewise-action-path-'));
    scratch.push(actionPath);
    // What a `uses: owner/edgewise@ref` download holds: the repository's files, no node_modules or dist.
    const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
    for (const file of files) {
      if (!existsSync(join(ROOT, file))) continue; // deleted in the working tree
      mkdirSync(dirname(join(actionPath, file)), { recursive: true });
      copyFileSync(join(ROOT, file), join(actionPath, file));
    }
    const folder = workspace({ 'deploy/deployment.json': MIXED });
    const action = runCompositeAction(ACTION, { actionPath, workspace: folder, env: { NO_COLOR: '1', npm_config_prefer_offline: 'true' } });
    const install = action.steps[0]!;
    expect(install.exitCode, install.stderr).toBe(0);
    expect(install.stdout).not.toContain('already installed');
    expect(install.stdout).toMatch(/added \d+ packages/);
    const lint = lintStep(action);
    expect(lint.exitCode).toBe(1);
    expect(annotations(lint.stdout).some((line) => line.startsWith('::error file=deploy/deployment.json,'))).toBe(true);
    expect(schemaErrors(JSON.parse(readFileSync(join(folder, 'edgewise.sarif'), 'utf8')))).toEqual([]);
  }, 600_000);
});
