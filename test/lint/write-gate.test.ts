// Issue 10: one write gate for every command that writes a manifest (init, gen, offline enable,
// patch, merge): a result with lint errors is not written, the command exits 1, and every one of
// them explains it in the same words, listing each error on a line editors link. convert passes
// the same gate and only warns (it changes the format, not the content).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runConvert } from '../../src/cli/commands/convert.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { runInit } from '../../src/cli/commands/init.js';
import { runMerge } from '../../src/cli/commands/merge.js';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import { runPatch } from '../../src/cli/commands/patch.js';
import type { CommandResult } from '../../src/cli/command-result.js';
import { MERGE_FIXTURES, fixturePath } from '../diff/diff-fixtures.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');
const brokenOffline = (): string => readFileSync(join(FIXTURES, 'offline', 'seed-port-bindings.json'), 'utf8').replace('"restartPolicy": "always"', '"restartPolicy": "sometimes"');

/** The one refusal: a header naming the command, the target and what was refused, then one line per error. */
const REFUSAL = /^edgewise (init|gen|offline enable|patch|merge): refused to write \S+: .+ has (\d+) lint errors? \((positions are in the result, which was not written|placed in the template)\):\n((\S+:\d+:\d+ {2}error {2}.+ {2}[a-z-]+\n)+)$/;

const refusals: [string, () => Promise<CommandResult>][] = [
  ['init', () => runInit({ template: 'offline', output: '-', set: ['EDGEHUB_STORAGE_PATH=relative/path'] })],
  ['gen', () => runGen(['unbound-storage.template.json'], { cwd: join(FIXTURES, 'generate', 'solution'), environment: {} })],
  ['offline enable', () => runOfflineEnable('-', { readStdin: brokenOffline })],
  ['patch', () => runPatch(fixturePath('base.json'), fixturePath('breaks-restart-policy.patch.json'), { output: 'out.json' })],
  ['merge', () => runMerge(join(MERGE_FIXTURES, 'docs-base.json'), [{ path: join(MERGE_FIXTURES, 'layer-broken-restart-policy.json'), priority: 10 }])],
];

describe('the write gate', () => {
  it.each(refusals)('%s refuses a manifest with lint errors in the one refusal text', async (command, run) => {
    const result = await run();
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.files).toEqual([]);
    // merge may warn about its layers first.
    const refusal = result.stderr.slice(result.stderr.indexOf(`edgewise ${command}: refused`));
    const match = REFUSAL.exec(refusal);
    expect(match, refusal).not.toBeNull();
    expect(match![1]).toBe(command);
    // Every error counted is listed (none of these outputs reaches the per-rule cap).
    expect(match![4]!.trim().split('\n')).toHaveLength(Number(match![2]));
  });

  it('marks the errors the input had already, so the user knows the change did not bring them', async () => {
    const broken = join(FIXTURES, 'package', 'deployment.json');
    const unchanged = await runPatch(broken, '-', { readStdin: () => '[]' });
    expect(unchanged.exitCode).toBe(1);
    expect(unchanged.stderr).toMatch(/ {2}error {2}`restartPolicy` must be one of .*\(got "on-failured"\) \(already in the input\) {2}schema\n/);
  });

  it('convert passes the same gate, and only warns', async () => {
    const result = await runConvert('-', { readStdin: brokenOffline });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^modulesContent:/);
    expect(result.stderr).toBe('edgewise: warning: <stdin> has 1 lint error; converted anyway (convert changes only the format)\n');
  });
});
