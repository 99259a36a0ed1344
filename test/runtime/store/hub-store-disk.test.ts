// A disk that refuses writes: the store rejects the appends of the failing commit with
// StoreWriteError, keeps everything committed before, lets deliveries free space and takes new
// messages again, in a child process whose file size limit (ulimit -f) makes writes fail as a full
// disk does (EFBIG, reported by lmdb as an I/O error); and, where this test may mount a small tmpfs
// (root), on a really full file system, where the store's free-space margin refuses first.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleChild, ScratchHubStores } from './hub-store-support.js';

const stores = new ScratchHubStores();
let child: string;
beforeAll(async () => {
  child = await bundleChild(stores.folder(), 'hub-store-disk-child.ts');
});
afterAll(() => stores.cleanUp());

interface Step {
  step: string;
  accepted?: number;
  stored?: number;
  acknowledged?: number;
  isStoreWriteError?: boolean;
  code?: string;
  message?: string;
}

function run(command: string): Step[] {
  const result = spawnSync('bash', ['-c', command], { encoding: 'utf8', timeout: 40_000 });
  expect(result.status, result.stderr).toBe(0);
  return result.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Step);
}

function expectRecovery(steps: Step[], code: string): void {
  const [refused, freed, again, closed] = steps;
  expect(refused).toMatchObject({ step: 'refused', isStoreWriteError: true, code });
  expect(refused!.accepted).toBeGreaterThan(100);
  // Everything acknowledged before the refusal is still there.
  expect(refused!.stored).toBe(refused!.accepted);
  expect(freed).toMatchObject({ step: 'freed', acknowledged: Math.floor(refused!.accepted! / 2) });
  expect(again).toMatchObject({ step: 'again', accepted: 20, stored: refused!.accepted! - freed!.acknowledged! + 20 });
  expect(closed).toEqual({ step: 'closed' });
}

describe('a disk that refuses writes', () => {
  for (const syncMode of ['nosync', 'sync']) {
    it(`refuses appends, keeps the store, and recovers once deliveries free space (${syncMode}, file size limit)`, () => {
      const folder = join(stores.folder(), 'storage');
      const steps = run(`ulimit -f 2048; exec "${process.execPath}" "${child}" "${folder}" ${syncMode}`);
      expectRecovery(steps, 'store-io');
      expect(steps[0]!.message).toMatch(/could not commit .*a full disk/);
    });
  }

  const mountPoint = join(stores.folder(), 'small-disk');
  mkdirSync(mountPoint);
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]).status === 0;
  afterAll(() => {
    if (mounted) spawnSync('umount', [mountPoint]);
    rmdirSync(mountPoint);
  });

  it.skipIf(!mounted)('on a full file system, refuses before the last byte so that deliveries can still free space (tmpfs of 4 MB)', () => {
    const steps = run(`exec "${process.execPath}" "${child}" "${join(mountPoint, 'storage')}" nosync 1048576`);
    expectRecovery(steps, 'disk-full');
    expect(steps[0]!.message).toMatch(/^disk full: \d+\.\d MB free, under the margin/);
  });
});
