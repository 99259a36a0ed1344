// A run over many files tells a listener how far it is (src/run/run-progress.ts): first 0 of the
// total, then after each batch, ending with all of them; the report is the same as without a
// listener. On the main thread here (worker threads need the built CLI: the pseudo-terminal runs
// in progress-terminal.test.ts use --threads 2).
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintFiles } from '../../../src/run/lint-files.js';
import { validateFiles } from '../../../src/run/validate-files.js';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'lint');
const FILES = 250;
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-run-progress-'));
  const sources = ['mixed.json', 'storage-unbound.json', 'prefix-sibling-modules.json'];
  for (let index = 0; index < FILES; index++) copyFileSync(join(FIXTURES, sources[index % sources.length]!), join(folder, `${String(index).padStart(4, '0')}.json`));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

function recorder(): { calls: [number, number][]; listener: (done: number, total: number) => void } {
  const calls: [number, number][] = [];
  return { calls, listener: (done, total) => void calls.push([done, total]) };
}

function expectProgress(calls: readonly [number, number][], total: number): void {
  expect(calls[0]).toEqual([0, total]);
  expect(calls.at(-1)).toEqual([total, total]);
  // Several steps between, never backwards.
  expect(calls.length).toBeGreaterThan(4);
  for (let index = 1; index < calls.length; index++) expect(calls[index]![0]).toBeGreaterThanOrEqual(calls[index - 1]![0]);
  for (const [, seen] of calls) expect(seen).toBe(total);
}

describe('progress of a run', () => {
  it('lint: from 0 to every file, batch by batch, with the same report as without a listener', async () => {
    const progress = recorder();
    const followed = await lintFiles([folder], { threads: 0, onProgress: progress.listener });
    expectProgress(progress.calls, FILES);
    expect(followed).toEqual(await lintFiles([folder], { threads: 0 }));
  });

  it('validate: the same', async () => {
    const progress = recorder();
    const followed = await validateFiles([folder], { onProgress: progress.listener });
    expectProgress(progress.calls, FILES);
    expect(followed).toEqual(await validateFiles([folder]));
  });
});
