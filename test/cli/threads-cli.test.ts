// `--threads N` and EDGEWISE_THREADS: a run on worker threads prints exactly what a run on the
// main thread prints, in every format, and a thread count that is no whole number is refused in
// one line (exit 2). Which thread takes which files is the run's affair; see test/run/.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures');
const SOURCES = ['lint', 'rules/image-tag', 'rules/host-devices', 'rules/create-options-json', 'rules/plaintext-secret'];

function edgewise(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd: folder, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', EDGEWISE_THREADS: '', ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-threads-'));
  // Enough files that both threads take batches: each source folder copied into four folders.
  for (let copy = 0; copy < 4; copy++) {
    for (const source of SOURCES) {
      const target = join(folder, `copy${copy}`, source.replace('/', '-'));
      mkdirSync(target, { recursive: true });
      for (const name of readdirSync(join(FIXTURES, source)).filter((file) => file.endsWith('.json'))) copyFileSync(join(FIXTURES, source, name), join(target, name));
    }
  }
  writeFileSync(
    join(folder, 'copy3', '.edgewise.yaml'),
    ['rules:', '  privileged: error', 'suppressions:', '  - file: "lint/*.json"', '    pointer: /modulesContent', '    rule: image-tag', '    reason: pinned', '  - file: none.json', '    pointer: /modulesContent', '    rule: image-tag', '    reason: matches nothing', ''].join('\n'),
  );
});

afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('--threads', () => {
  for (const format of ['json', 'sarif', 'stylish', 'junit', 'github']) {
    it(`prints the same ${format} report on two threads as on one`, () => {
      const one = edgewise(['lint', '.', '--format', format, '--threads', '1']);
      expect(one.code).toBe(1);
      expect(one.stdout.length).toBeGreaterThan(1000);
      expect(edgewise(['lint', '.', '--format', format, '--threads', '2'])).toEqual(one);
      expect(edgewise(['lint', '.', '--format', format], { EDGEWISE_THREADS: '3' })).toEqual(one);
    });
  }

  it('prints the same --quiet report and validate report on two threads as on one', () => {
    const quiet = edgewise(['lint', '.', '--quiet', '--format', 'json', '--threads', '0']);
    expect(edgewise(['lint', '.', '--quiet', '--format', 'json', '--threads', '2'])).toEqual(quiet);
    const validate = edgewise(['validate', '.', '--format', 'json', '--threads', '1']);
    expect(JSON.parse(validate.stdout).summary.files).toBeGreaterThan(50);
    expect(edgewise(['validate', '.', '--format', 'json', '--threads', '2'])).toEqual(validate);
  });

  it('wins over EDGEWISE_THREADS', () => {
    expect(edgewise(['validate', 'copy0', '--threads', '1'], { EDGEWISE_THREADS: 'many' }).code).toBe(1);
  });

  it('refuses a thread count that is no whole number, in one line', () => {
    for (const [args, env, given] of [
      [['lint', '.', '--threads', 'two'], {}, '--threads two'],
      [['validate', '.', '--threads', '-1'], {}, '--threads -1'],
      [['lint', '.'], { EDGEWISE_THREADS: 'auto' }, 'EDGEWISE_THREADS=auto'],
    ] as const) {
      const run = edgewise([...args], env);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe(`edgewise: ${given}: expected a whole number of threads from 0 to 256 (0 or 1: no worker threads), e.g. ${given.startsWith('--') ? '--threads 2' : 'EDGEWISE_THREADS=2'}\n`);
    }
  });

  it('reports a broken config file in one line, whichever thread found it', () => {
    const broken = join(folder, 'zz-broken');
    mkdirSync(broken, { recursive: true });
    copyFileSync(join(FIXTURES, 'lint', 'mixed.json'), join(broken, 'deployment.json'));
    writeFileSync(join(broken, '.edgewise.yaml'), 'rules:\n  no-such-rule: error\n');
    try {
      const run = edgewise(['lint', '.', '--threads', '2']);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^edgewise: .*zz-broken\/\.edgewise\.yaml:2:3: unknown rule `no-such-rule`; run `edgewise rules` to list them\n$/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
