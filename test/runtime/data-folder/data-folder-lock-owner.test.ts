// Whose lock is it (review finding): a lock naming this very process, when this process holds no
// such lock, was left by an earlier server that had the same process id (PID 1 in a container,
// killed, started again) and is taken over, as is, on Linux, a lock whose process id now belongs
// to a process that is neither node nor edgewise. A live node process, or this process holding the
// lock, still keeps it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lockDataFolder } from '../../../src/runtime/data-folder/data-folder-lock.js';

const folders: string[] = [];
const children: ChildProcess[] = [];
function scratch(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-lock-owner-'));
  folders.push(folder);
  return folder;
}
afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function leftLock(folder: string, pid: number): void {
  writeFileSync(join(folder, 'serve.lock'), `${pid}\n`);
}

/** A long-running process of `command`, killed at the end. */
async function running(command: string, args: string[]): Promise<number> {
  const child = spawn(command, args, { stdio: 'ignore' });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  return child.pid!;
}

describe('a lock whose process id is in use', () => {
  it('is taken over when it names this process and this process holds no lock there', () => {
    const folder = scratch();
    leftLock(folder, process.pid);
    const lock = lockDataFolder(folder);
    expect(readFileSync(join(folder, 'serve.lock'), 'utf8')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('is kept when this process holds it: a second server in the same process is refused', () => {
    const folder = scratch();
    const lock = lockDataFolder(folder);
    try {
      expect(() => lockDataFolder(folder)).toThrow(expect.objectContaining({ code: 'data-folder-in-use' }));
    } finally {
      lock.release();
    }
    lockDataFolder(folder).release();
  });

  it('is kept while a node process has that id', async () => {
    const folder = scratch();
    leftLock(folder, await running(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']));
    expect(() => lockDataFolder(folder)).toThrow(/another edgewise server \(process \d+\) uses/);
  });

  it.runIf(process.platform === 'linux')('is taken over on Linux when a process that is neither node nor edgewise has that id', async () => {
    const folder = scratch();
    leftLock(folder, await running('sleep', ['60']));
    lockDataFolder(folder).release();
  });
});
