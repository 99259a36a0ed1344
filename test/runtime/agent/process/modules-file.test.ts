// The modules file (`--modules FILE`): what it accepts, and one InputError naming FILE:line:column
// and what to do for each mistake.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { readModulesFile } from '../../../../src/runtime/agent/process/modules-file.js';
import { removeTempFolders, tempFolder } from './process-support.js';

afterEach(removeTempFolders);

function fileWith(text: string): string {
  const folder = tempFolder('edgewise-modules-file-');
  mkdirSync(join(folder, 'filter'));
  const file = join(folder, 'modules.yaml');
  writeFileSync(file, text);
  return file;
}

async function errorOf(text: string): Promise<string> {
  const file = fileWith(text);
  const error = await readModulesFile(file).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(InputError);
  const message = (error as Error).message;
  expect(message.startsWith(`${file}:`)).toBe(true);
  expect(message).not.toContain('\n');
  return message.slice(file.length + 1);
}

describe('readModulesFile', () => {
  it('reads commands, resolves cwd against the file, and turns env scalars into strings', async () => {
    const file = fileWith(['modules:', '  filter:', '    command: [node, filter.mjs]', '    cwd: ./filter', '    env: { LOG_LEVEL: debug, PORT: 8080, VERBOSE: true }', '  sensor:', '    command:', '      - python3', '      - sensor.py', ''].join('\n'));
    const folder = join(file, '..');
    expect(await readModulesFile(file)).toEqual({
      file,
      modules: {
        filter: { command: ['node', 'filter.mjs'], cwd: join(folder, 'filter'), env: { LOG_LEVEL: 'debug', PORT: '8080', VERBOSE: 'true' } },
        sensor: { command: ['python3', 'sensor.py'], cwd: folder, env: {} },
      },
    });
  });

  it('keeps module names like __proto__ and constructor as plain entries, and has no others', async () => {
    const file = fileWith(['modules:', '  __proto__:', '    command: [node, a.mjs]', '  constructor:', '    command: [node, b.mjs]', ''].join('\n'));
    const { modules } = await readModulesFile(file);
    expect(Object.keys(modules)).toEqual(['__proto__', 'constructor']);
    expect(Object.hasOwn(modules, '__proto__') && modules['__proto__']?.command).toEqual(['node', 'a.mjs']);
    expect(modules.constructor?.command).toEqual(['node', 'b.mjs']);
    expect(modules.toString).toBeUndefined();
  });

  it('reads JSON too (it is YAML)', async () => {
    const file = fileWith('{"modules": {"filter": {"command": ["node", "f.mjs"]}}}\n');
    expect((await readModulesFile(file)).modules.filter?.command).toEqual(['node', 'f.mjs']);
  });

  it('names the line and column of a module without command', async () => {
    expect(await errorOf('modules:\n  filter:\n    cwd: ./filter\n')).toBe('2:3: module `filter` needs `command`: a list of the program and its arguments, e.g. command: [node, main.mjs] (it runs without a shell)');
  });

  it('refuses a command that is a string, not a list (no shell runs it)', async () => {
    expect(await errorOf('modules:\n  filter:\n    command: node filter.mjs\n')).toBe('3:14: module `filter` needs `command`: a list of the program and its arguments, e.g. command: [node, main.mjs] (it runs without a shell)');
  });

  it('refuses an empty command list', async () => {
    expect(await errorOf('modules:\n  filter: { command: [] }\n')).toMatch(/^2:22: module `filter` needs `command`/);
  });

  it('refuses an unknown key in a module, at the key', async () => {
    expect(await errorOf('modules:\n  filter:\n    command: [node]\n    image: x\n')).toBe('4:5: unknown key `image` in module `filter`; use command, cwd or env');
  });

  it('refuses an unknown key at the top', async () => {
    expect(await errorOf('modules: {}\nmodule: {}\n')).toBe('2:1: unknown key `module`; a modules file has one key, `modules`');
  });

  it('refuses a file without modules', async () => {
    expect(await errorOf('# nothing yet\n{}\n')).toBe('2:1: `modules` must map each module name to what runs it, e.g. modules: { NAME: { command: [node, main.mjs], cwd: ./NAME } }');
  });

  it('refuses a module that is not a mapping', async () => {
    expect(await errorOf('modules:\n  filter: node filter.mjs\n')).toMatch(/^2:3: module `filter` must be a mapping with `command`/);
  });

  it('refuses a cwd that is not a folder, with its full path', async () => {
    const message = await errorOf('modules:\n  filter:\n    command: [node]\n    cwd: ./nowhere\n');
    expect(message).toMatch(/^4:10: `cwd` of module `filter` names .*nowhere, which is not a folder; create it or fix the path \(relative to this file\)$/);
  });

  it('refuses env that is not a mapping, and env values that are not scalars', async () => {
    expect(await errorOf('modules:\n  filter:\n    command: [node]\n    env: [A=1]\n')).toBe('4:10: `env` of module `filter` must map variable names to values, e.g. env: { LOG_LEVEL: debug }');
    expect(await errorOf('modules:\n  filter:\n    command: [node]\n    env:\n      A: { b: 1 }\n')).toBe('5:10: environment variable `A` of module `filter` must be a string, number or boolean');
  });

  it('reports a YAML syntax error at its place', async () => {
    expect(await errorOf('modules:\n  filter:\n    command: [node\n')).toMatch(/^\d+:\d+: invalid YAML: /);
  });

  it('refuses what is not a regular file without blocking', async () => {
    const folder = tempFolder('edgewise-modules-file-');
    const fifo = join(folder, 'modules.yaml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    await expect(readModulesFile(fifo)).rejects.toThrow(/cannot use it as the modules file: this is not a regular file but a named pipe/);
  });
});
