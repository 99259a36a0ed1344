// A run split over threads gives the same report as one thread, whichever thread takes which
// batch: the batches join in input order, and the config files the threads used are reported on
// once (a suppression is unused only if no thread used it). Threads are stood in for here by
// sessions that take alternate batches, since worker threads need the built CLI (see
// test/cli/threads-cli.test.ts for real ones).
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lintInputs } from '../../src/lint/lint-inputs.js';
import { collectInputs } from '../../src/manifest/read-inputs.js';
import { joinLintRun } from '../../src/run/lint-files.js';
import { joinThreads } from '../../src/run/run-in-parallel.js';
import { runBatches, type LintTask, type ValidateTask, type WorkerTask } from '../../src/run/worker-task.js';
import { validateInputs } from '../../src/validate/validate-inputs.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const MANIFESTS = [
  'lint/mixed.json',
  'lint/prefix-sibling-modules.json',
  'lint/storage-unbound.json',
  'rules/image-tag/untagged-and-latest.json',
  'rules/image-tag/pinned.json',
  'rules/image-tag/placeholder-tags.template.json',
];
const MODULES = '/modulesContent/$edgeAgent/properties.desired/modules';

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-batched-'));
  // Two folders, each with its own config: `a` is used early, `b` only by the last files.
  for (const [sub, copies] of [['a', 3], ['b', 2]] as const) {
    mkdirSync(join(folder, sub));
    for (let copy = 0; copy < copies; copy++) {
      for (const [index, fixture] of MANIFESTS.entries()) copyFileSync(join(FIXTURES, fixture), join(folder, sub, `${copy}-${index}-${fixture.split('/').pop()}`));
    }
    // Not a manifest: skipped, so the suppression that matches only it stays unused.
    writeFileSync(join(folder, sub, 'package.json'), '{"name": "not-a-manifest", "name": "twice"}');
  }
  const config = (glob: string) =>
    [
      'rules:',
      '  privileged: error',
      'suppressions:',
      `  - file: "${glob}"`,
      `    pointer: ${MODULES}`,
      '    rule: image-tag',
      '    reason: pinned by the build',
      '  - file: package.json',
      '    pointer: /name',
      '    rule: duplicate-key',
      '    reason: matches only a file that is no manifest',
      '  - file: nothing.json',
      `    pointer: ${MODULES}`,
      '    rule: image-tag',
      '    reason: matches nothing',
      '',
    ].join('\n');
  writeFileSync(join(folder, 'a', '.edgewise.yaml'), config('0-*.json'));
  writeFileSync(join(folder, 'b', '.edgewise.yaml'), config('1-*.json'));
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Two stand-in threads: one takes the odd batches, the other the even ones. */
async function twoThreads<T extends WorkerTask>(task: T, batchSize: number) {
  const claims = (parity: number) => {
    let next = parity;
    return () => {
      const index = next;
      next += 2;
      return index;
    };
  };
  const odd = await runBatches(task, batchSize, claims(1));
  const even = await runBatches(task, batchSize, claims(0));
  expect(odd.batches.length).toBeGreaterThan(0);
  expect(even.batches.length).toBeGreaterThan(0);
  return joinThreads([odd, even]);
}

describe('a lint run split over threads', () => {
  for (const quiet of [false, true]) {
    it(`reports what one thread reports${quiet ? ', with --quiet' : ''}, unused suppressions once each`, async () => {
      const refs = collectInputs([folder]);
      const options = { quiet, fingerprints: true };
      const serial = await lintInputs(refs, options);
      const alone = await joinLintRun([folder], { batches: [serial], summaries: [serial] }, options);
      const task: LintTask = { kind: 'lint', refs, options };
      for (const batchSize of [1, 4, 7]) {
        const split = await joinLintRun([folder], await twoThreads(task, batchSize), options);
        expect(split).toEqual(alone);
      }
      const unused = alone.report.results.filter((finding) => finding.ruleId === 'unused-suppression');
      if (!quiet) {
        // Each config's package.json and nothing.json entries; the globbed ones were used.
        expect(unused.map((finding) => `${finding.file.slice(folder.length)} ${finding.pointer}`)).toEqual(['/a/.edgewise.yaml /suppressions/1', '/a/.edgewise.yaml /suppressions/2', '/b/.edgewise.yaml /suppressions/1', '/b/.edgewise.yaml /suppressions/2']);
      }
      expect(alone.fingerprints).toHaveLength(alone.report.results.length);
    });
  }

  it('computes fingerprints only when asked, and the findings are the same without them', async () => {
    const refs = collectInputs([folder]);
    const withThem = await joinLintRun([folder], await twoThreads({ kind: 'lint', refs, options: { fingerprints: true } }, 3), { fingerprints: true });
    const without = await joinLintRun([folder], await twoThreads({ kind: 'lint', refs, options: {} }, 3), {});
    expect(without.fingerprints).toEqual([]);
    expect(withThem.fingerprints.length).toBeGreaterThan(0);
    expect(without.report).toEqual(withThem.report);
  });
});

describe('a validate run split over threads', () => {
  it('reports what one thread reports', async () => {
    const refs = collectInputs([folder]);
    const serial = await validateInputs(refs, {});
    const task: ValidateTask = { kind: 'validate', refs, options: {} };
    const split = await twoThreads(task, 2);
    expect(split.batches.flatMap((batch) => batch.findings)).toEqual(serial.findings);
    expect(split.batches.reduce((sum, batch) => sum + batch.files, 0)).toBe(serial.files);
  });
});
