// `edgewise gen --check`: the pre-commit hook's check that generated manifests are current. Runs
// on a copy of the iotedgedev-shaped solution in test/fixtures/generate/solution.
import { cpSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runGen, type GenCommandOptions } from '../../src/cli/commands/gen.js';
import type { CommandResult } from '../../src/cli/command-result.js';
import { InputError } from '../../src/errors.js';

const SOLUTION = join(import.meta.dirname, '..', 'fixtures', 'generate', 'solution');
const OUTPUT = join('config', 'deployment.amd64.json');

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-gen-check-'));
  cpSync(SOLUTION, folder, { recursive: true });
});

afterEach(() => rmSync(folder, { recursive: true, force: true }));

async function gen(templates: string[], options: GenCommandOptions = {}): Promise<CommandResult> {
  return runGen(templates, { cwd: folder, environment: {}, ...options });
}

/** Writes what gen produced, as the CLI does. */
async function generate(templates: string[], options: GenCommandOptions = {}): Promise<void> {
  const result = await gen(templates, options);
  expect(result.exitCode).toBe(0);
  for (const file of result.files) {
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, file.text);
  }
}

const template = (): string => join(folder, 'deployment.template.json');

describe('edgewise gen --check', () => {
  it('exits 0 and prints nothing when the generated manifest is current', async () => {
    await generate(['deployment.template.json']);
    const result = await gen(['deployment.template.json'], { check: true });
    expect(result).toEqual({ exitCode: 0, stdout: '', stderr: '', files: [] });
  });

  it('exits 1 with one line naming the stale output and the command that updates it, and writes nothing', async () => {
    await generate([]);
    writeFileSync(template(), readFileSync(template(), 'utf8').replace('"minDockerVersion": "v1.25"', '"minDockerVersion": "v1.26"'));
    const before = statSync(join(folder, OUTPUT)).mtimeMs;
    const result = await gen([], { check: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(`${OUTPUT} is out of date with deployment.template.json: run edgewise gen\n`);
    expect(result.files).toEqual([]);
    expect(statSync(join(folder, OUTPUT)).mtimeMs).toBe(before);
  });

  it('sees a change in .env and in a module.json, not only in the template', async () => {
    await generate([]);
    writeFileSync(join(folder, '.env'), readFileSync(join(folder, '.env'), 'utf8').replace('TTL=7200', 'TTL=3600'));
    expect((await gen([], { check: true })).exitCode).toBe(1);
    await generate([]);
    expect((await gen([], { check: true })).exitCode).toBe(0);
    const moduleJson = join(folder, 'modules', 'filtermodule', 'module.json');
    writeFileSync(moduleJson, readFileSync(moduleJson, 'utf8').replace('"version": "0.0.1"', '"version": "0.0.2"'));
    expect((await gen([], { check: true })).stdout).toContain('is out of date with deployment.template.json');
  });

  it('reports a missing output, one line per template, with the templates and options gen needs', async () => {
    await generate(['deployment.template.json'], { platform: 'amd64' });
    const result = await gen(['deployment.template.json', 'filter-only.template.json'], { check: true, platform: 'amd64' });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe(
      `${join('config', 'filter-only.amd64.json')} is missing (it is generated from filter-only.template.json): run edgewise gen deployment.template.json filter-only.template.json --platform amd64\n`,
    );
  });

  it('takes CRLF line ends (a checkout with core.autocrlf) as the same manifest', async () => {
    await generate([]);
    const path = join(folder, OUTPUT);
    writeFileSync(path, readFileSync(path, 'utf8').replace(/\n/g, '\r\n'));
    expect((await gen([], { check: true })).exitCode).toBe(0);
  });

  it('fails as gen does when the template cannot be generated', async () => {
    const result = await gen(['unbound-storage.template.json'], { check: true });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('storage-folder-bind');
  });

  it('refuses --output - (there is no file to compare)', async () => {
    await expect(gen(['deployment.template.json'], { check: true, output: '-' })).rejects.toThrow(InputError);
  });

  it('quotes a path with spaces in the command it suggests', async () => {
    const result = await gen([], { check: true, configDir: 'generated manifests' });
    expect(result.stdout).toBe(`${join('generated manifests', 'deployment.amd64.json')} is missing (it is generated from deployment.template.json): run edgewise gen --config-dir 'generated manifests'\n`);
  });
});
