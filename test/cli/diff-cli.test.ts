// The diff, patch and merge commands through the real CLI: option wiring and exit codes.
// Their behaviour is tested in test/diff and test/merge.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const DIFF = join(ROOT, 'test', 'fixtures', 'diff');
const MERGE = join(ROOT, 'test', 'fixtures', 'merge');

function edgewise(args: string[]) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('edgewise diff / patch / merge', () => {
  it('diff --exit-code: 0 for a rechunked copy, 1 for a real change', () => {
    expect(edgewise(['diff', join(DIFF, 'base.json'), join(DIFF, 'base-rechunked.json'), '--exit-code']).code).toBe(0);
    const changed = edgewise(['diff', join(DIFF, 'base.json'), join(DIFF, 'changed.json'), '--exit-code', '-f', 'json']);
    expect(changed.code).toBe(1);
    expect(() => JSON.parse(changed.stdout)).not.toThrow();
  });

  it('diff accepts the seven arguments git passes to an external diff driver', () => {
    const base = join(DIFF, 'base.json');
    const run = edgewise(['diff', 'config/deployment.json', base, 'a'.repeat(40), '100644', join(DIFF, 'changed.json'), 'b'.repeat(40), '100644']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('a/config/deployment.json');
  });

  it('diff refuses a single path with a usage error', () => {
    const run = edgewise(['diff', join(DIFF, 'base.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe('edgewise: diff takes two manifests (A and B), got 1');
  });

  it('patch refuses a result with lint errors and writes nothing', () => {
    const run = edgewise(['patch', join(DIFF, 'base.json'), join(DIFF, 'breaks-restart-policy.patch.json')]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/restartPolicy/);
  });

  it('merge applies layers by --priority', () => {
    const run = edgewise(['merge', join(MERGE, 'docs-base.json'), join(MERGE, 'docs-layer-append.json'), '--priority', '10']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).content).toHaveProperty('modulesContent');
  });
});
