// Issue 9, "Limits and special files": a FIFO, /dev/zero or /dev/urandom named on the command
// line hung every command (/dev/zero reached 4 GB in 30 s), and the 8 MiB limit did not apply to
// stdin (50 MB was accepted). The loader now reads only regular files, checked with fstat on the
// open descriptor before any byte is read, and stdin only when `-` is given, never past the limit.
import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdirSync, openSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_FILE_BYTES, readInput, STDIN_NAME } from '../../src/manifest/read-inputs.js';
import { BASE_MANIFEST, edgewise, expectInputRefused, ROOT, scratchFolder } from './loader-cli.js';

const NOT_REGULAR = /is not a regular file/;
const OVER_LIMIT = /over the 8388608-byte limit/;
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');
const posix = process.platform !== 'win32';

describe.runIf(posix)('special files named on the command line are refused, never read', () => {
  let folder: string;
  let fifo: string;
  let zeroLink: string;
  beforeAll(() => {
    folder = scratchFolder('special');
    fifo = join(folder, 'deployment.json');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    zeroLink = join(folder, 'zero.json');
    symlinkSync('/dev/zero', zeroLink);
  });

  const specials = (): [string, string][] => [
    ['a FIFO', fifo],
    ['/dev/zero', '/dev/zero'],
    ['/dev/urandom', '/dev/urandom'],
    ['a symbolic link to /dev/zero', zeroLink],
  ];

  // Only through the CLI, with a hang guard: in this process a regression would block the test
  // worker in open() or read() for good, where no test timeout can reach it.
  it.each(['validate', 'lint'])('%s gives a parse finding for each special file and goes on', (command) => {
    const run = edgewise([command, ...specials().map(([, path]) => path), BASE_MANIFEST, '-f', 'json']);
    expectInputRefused(run, /is not a regular file but a named pipe \(FIFO\)/, [1]);
    expect(run.stdout).toMatch(/is not a regular file but a character device/);
    const results: { file: string; ruleId: string; message: string }[] = JSON.parse(run.stdout).results;
    const refused = results.filter((finding) => finding.ruleId === 'parse');
    expect(refused.map((finding) => finding.file)).toEqual(specials().map(([, path]) => path));
    expect(JSON.parse(run.stdout).summary.files).toBe(5);
  });

  it('validate of a folder holding a FIFO named like a manifest skips the FIFO', () => {
    const project = join(folder, 'project');
    mkdirSync(project);
    copyFileSync(BASE_MANIFEST, join(project, 'deployment.json'));
    expect(spawnSync('mkfifo', [join(project, 'pipe.json')]).status).toBe(0);
    const run = edgewise(['validate', project, '-f', 'json']);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).summary.files).toBe(1);
  });

  const singleFileCommands: [string, (path: string) => string[]][] = [
    ['convert', (path) => ['convert', path]],
    ['diff (as A)', (path) => ['diff', path, BASE_MANIFEST]],
    ['diff (as B)', (path) => ['diff', BASE_MANIFEST, path]],
    ['patch (the manifest)', (path) => ['patch', path, join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json')]],
    ['patch (the patch)', (path) => ['patch', BASE_MANIFEST, path]],
    ['merge (the base)', (path) => ['merge', path, LAYERED, '--priority', '10']],
    ['merge (a layer)', (path) => ['merge', BASE_MANIFEST, path, '--priority', '10']],
    ['offline enable', (path) => ['offline', 'enable', path]],
    ['offline plan', (path) => ['offline', 'plan', path, '--rate', '1', '--size', '1KB']],
    ['gen', (path) => ['gen', path, '-o', join(folder, 'out.json')]],
  ];

  for (const [label, path] of [['a FIFO', () => fifo], ['/dev/zero', () => '/dev/zero']] as const) {
    it.each(singleFileCommands)(`%s refuses ${label} with a usage error`, (_name, args) => {
      expectInputRefused(edgewise(args(path())), NOT_REGULAR, [2]);
    });
  }

  it('diff still reads /dev/null, which git passes for an added or deleted manifest', () => {
    const run = edgewise(['diff', '/dev/null', BASE_MANIFEST, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).changes.length).toBeGreaterThan(0);
  });

  it('lint refuses a FIFO given as --config, and gen one given as --env', () => {
    expectInputRefused(edgewise(['lint', BASE_MANIFEST, '--config', fifo]), /cannot use it as the config file: this is not a regular file but a named pipe/, [2]);
    expectInputRefused(edgewise(['gen', BASE_MANIFEST, '--env', '/dev/zero', '-o', '-']), /cannot use it as the \.env file: this is not a regular file but a character device/, [2]);
  });

  it('gen refuses a module.json that is not a regular file', () => {
    const solution = join(folder, 'solution');
    mkdirSync(join(solution, 'modules', 'filtermodule'), { recursive: true });
    copyFileSync(join(ROOT, 'test', 'fixtures', 'generate', 'solution', 'deployment.template.json'), join(solution, 'deployment.template.json'));
    expect(spawnSync('mkfifo', [join(solution, 'modules', 'filtermodule', 'module.json')]).status).toBe(0);
    expectInputRefused(edgewise(['gen', 'deployment.template.json', '-o', 'out.json'], { cwd: solution }), /module\.json.*is not a regular file/, [2]);
  });
});

describe('stdin is read only up to the limit', () => {
  const oversized = `{"modulesContent": {}, "padding": "${'x'.repeat(MAX_FILE_BYTES)}"}`;

  it('in the reader', () => {
    expect(readInput({ file: STDIN_NAME, explicit: true }, () => oversized)).toEqual({ ok: false, message: expect.stringMatching(OVER_LIMIT) });
    expect(readInput({ file: STDIN_NAME, explicit: true }, () => '{"modulesContent": {}}')).toEqual({ ok: true, text: '{"modulesContent": {}}' });
  });

  it('validate - refuses 8 MiB and more on stdin with a parse finding', () => {
    const run = edgewise(['validate', '-', '-f', 'json'], { input: oversized });
    expectInputRefused(run, OVER_LIMIT, [1]);
    expect(JSON.parse(run.stdout).results).toEqual([expect.objectContaining({ file: STDIN_NAME, ruleId: 'parse' })]);
  });

  it.each([
    ['convert', ['convert', '-']],
    ['diff', ['diff', '-', BASE_MANIFEST]],
    ['offline plan', ['offline', 'plan', '-', '--rate', '1', '--size', '1KB']],
  ])('%s - refuses it with a usage error', (_name, args) => {
    expectInputRefused(edgewise(args, { input: oversized }), OVER_LIMIT, [2]);
  });

  it.runIf(posix)('stops reading an endless stdin (/dev/zero) at the limit', () => {
    const zero = openSync('/dev/zero', 'r');
    try {
      const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), 'validate', '-', '-f', 'json'], { stdio: [zero, 'pipe', 'pipe'], encoding: 'utf8', timeout: 20_000 });
      expectInputRefused({ code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr }, OVER_LIMIT, [1]);
    } finally {
      closeSync(zero);
    }
  });
});
