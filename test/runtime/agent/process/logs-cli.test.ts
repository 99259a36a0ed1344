// `edgewise logs MODULE [-f] [--tail N] --data DIR` as the real executable (bin/edgewise.js, the
// built CLI): the whole log with its rotated part first, the last lines, following new output
// across a rotation until SIGINT (exit 0), and one-line refusals (exit 2).
import { spawn } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { moduleLogPath } from '../../../../src/runtime/agent/process/module-log-path.js';
import { openModuleLog } from '../../../../src/runtime/agent/process/module-log-writer.js';
import { BIN, ROOT, runCli } from '../../cloud/cloud-support.js';
import { removeTempFolders, tempFolder, waitFor } from './process-support.js';

const children: import('node:child_process').ChildProcess[] = [];

afterEach(removeTempFolders);
afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

const lines = (from: number, to: number): string => Array.from({ length: to - from + 1 }, (_, index) => `line ${from + index}\n`).join('');

/** DIR/logs/filter.log with lines 1-10 split across a rotation (30-byte cap). */
function rotatedLog(): string {
  const data = tempFolder('edgewise-logs-cli-');
  const writer = openModuleLog(moduleLogPath(data, 'filter'), { maxBytes: 30 });
  writer.write(lines(1, 10));
  writer.close();
  return data;
}

describe('edgewise logs', () => {
  it('prints the whole log, its rotated part first', async () => {
    const data = rotatedLog();
    // 71 bytes in files of 30: the first 30 were rotated away twice; .1 holds 30-59, the log 60-70.
    expect(await runCli(['logs', 'filter', '--data', data])).toEqual({ code: 0, stdout: lines(1, 10).slice(30), stderr: '' });
  });

  it('prints the last N lines with --tail, reaching into the rotated part', async () => {
    const data = rotatedLog();
    expect(await runCli(['logs', 'filter', '--tail', '3', '--data', data])).toEqual({ code: 0, stdout: lines(8, 10), stderr: '' });
    expect(await runCli(['logs', 'filter', '--tail', '0', '--data', data])).toEqual({ code: 0, stdout: '', stderr: '' });
  });

  it('says in one line where it looked when the module has no log (exit 2)', async () => {
    const data = tempFolder('edgewise-logs-cli-');
    expect(await runCli(['logs', 'sensor', '--data', data])).toEqual({
      code: 2,
      stdout: '',
      stderr: `edgewise: no log of module sensor in ${data}/logs: the process backend writes one when the module starts (edgewise run … --data ${data}); check the module name and --data\n`,
    });
  });

  it('refuses a name that is not a module name, and a --tail that is not a number (exit 2)', async () => {
    const data = tempFolder('edgewise-logs-cli-');
    const outside = await runCli(['logs', '../hub', '--data', data]);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toMatch(/^edgewise: "\.\.\/hub" is not a module name: .*\n$/);
    const tail = await runCli(['logs', 'filter', '--tail', 'many', '--data', data]);
    expect(tail.code).toBe(2);
    expect(tail.stderr).toContain('expected a whole number, e.g. --tail 100');
  });

  it('follows new output across a rotation with -f, and stops on SIGINT with exit 0', async () => {
    const data = tempFolder('edgewise-logs-cli-');
    const writer = openModuleLog(moduleLogPath(data, 'filter'), { maxBytes: 40 });
    writer.write(lines(1, 3));
    const child = spawn(process.execPath, [BIN, 'logs', 'filter', '-f', '--tail', '1', '--data', data], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    await waitFor('the last line', () => stdout === 'line 3\n');
    for (let line = 4; line <= 20; line++) {
      writer.write(`line ${line}\n`); // rotates every few lines
      await waitFor(`line ${line}`, () => stdout.endsWith(`line ${line}\n`));
    }
    writer.close();
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    expect(stdout).toBe(lines(3, 20));
    expect(stderr).toBe('');
  });
});
