// The tooling benchmark (`npm run bench -- tooling`) run end to end in --quick mode on a few
// files: it must measure every command on both sets and every size, and print and save every
// section the lead pastes into BENCHMARKS.md. Shape only: no figure is compared with a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const SIZES = [10, 20];
const COMMANDS = ['floor-read', 'floor-parse', 'ajv-cli', 'validate', 'lint'];
const SETS = { generated: 'generated', 'other-names': 'other names' };

type Figure = { median: number; min: number; max: number; n: number };
type Row = { failed: string | null; time: Figure | null; ratioToAjvCli?: Figure | null; ratioToFloor?: Figure | null; ratioToNode?: Figure | null; peakRssMB: number | null };
type Results = {
  machine: { loadAtStart: { one: number }; loadAtEnd: { one: number }; loadWhileMeasuring: Figure };
  sets: { id: string; seed: number; names: string; largest: { files: number } }[];
  many: Record<string, Record<string, Record<string, Row>>>;
  linearity: Record<string, Record<string, { perSize: Record<string, { rawMsPerFile: number }> }>>;
  cold: Record<string, Row>;
  preCommit: Record<string, Row>;
  preCommitBatches: number;
  targets: { target: string; set: string; met: boolean | null }[];
  markdown: string;
};

let work: string;
let run: ReturnType<typeof spawnSync>;
let results: Results;
let stdout: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'edgewise-bench-'));
  const args = ['bench/run.mjs', 'tooling', '--quick', '--sizes', SIZES.join(','), '--cold-runs', '2', '--precommit-files', '20', '--data', join(work, 'data'), '--json', join(work, 'results.json')];
  run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EDGEWISE_BASELINE: '', EDGEWISE_BENCH_BUILD: '', EDGEWISE_BENCH_EXTRA_ARGS: '' } });
  stdout = String(run.stdout);
  results = JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) as Results;
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run bench -- tooling --quick', () => {
  it('finishes without a failed row', () => {
    expect(run.status, String(run.stderr)).toBe(0);
    expect(stdout).not.toContain('**failed**');
  });

  it('prints every section, with the load average', () => {
    for (const heading of ['## Tooling (issue 15)', '### 20 manifests', '### Linear cost', '### Cold start', '### Pre-commit style: 20 files in batches of 10 (2 processes', '### Against the targets']) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toMatch(/load average \(1 \/ 5 \/ 15 min\): [\d.]+ \/ [\d.]+ \/ [\d.]+ at the start/);
    expect(stdout.trim()).toBe(results.markdown.trim());
  });

  it('puts a median and ratios in a row for every command on both sets', () => {
    for (const [id, title] of Object.entries(SETS)) {
      for (const label of ['ajv-cli validate', 'edgewise validate', 'edgewise lint']) {
        const line = stdout.split('\n').find((l) => l.startsWith(`| ${title} | ${label} |`));
        expect(line, `${title} ${label}`).toMatch(/^\| [^|]+ \| [^|]+ \| [\d.]+ \| [\d.]+× \| [\d.]+× \| [\d.]+ \| [\d.]+ \|$/);
      }
      for (const size of SIZES) {
        for (const command of COMMANDS) {
          const row = results.many[id]?.[String(size)]?.[command];
          expect(row?.failed, `${id} ${size} ${command}`).toBeNull();
          expect(row?.time?.n).toBe(1);
          expect(row?.time?.median).toBeGreaterThan(0);
          expect(row?.ratioToAjvCli?.median).toBeGreaterThan(0);
          expect(row?.ratioToFloor?.median).toBeGreaterThan(0);
          expect(results.linearity[id]?.[command]?.perSize[String(size)]?.rawMsPerFile).toBeGreaterThan(0);
        }
      }
    }
  });

  it('measures two sets with different seeds and name styles', () => {
    expect(results.sets.map((s) => s.id)).toEqual(Object.keys(SETS));
    expect(new Set(results.sets.map((s) => s.seed)).size).toBe(2);
    expect(results.sets.map((s) => s.names)).toEqual(['common', 'unique']);
    expect(results.sets.every((s) => s.largest.files === 20)).toBe(true);
  });

  it('times cold start against node -e 0 and the pre-commit batches against ajv-cli', () => {
    for (const command of ['node', 'ajv-cli', 'validate', 'lint']) {
      expect(results.cold[command]?.time?.n, command).toBe(2);
      expect(results.cold[command]?.ratioToNode?.median).toBeGreaterThan(0);
      expect(results.preCommit[command]?.time?.n).toBe(1);
      expect(results.preCommit[command]?.ratioToAjvCli?.median).toBeGreaterThan(0);
    }
    expect(results.preCommitBatches).toBe(2);
  });

  it('records the load and checks every target, per set where a set matters', () => {
    expect(results.machine.loadAtStart.one).toBeGreaterThanOrEqual(0);
    expect(results.machine.loadWhileMeasuring.n).toBeGreaterThan(10);
    expect(results.targets).toHaveLength(7 * 2 + 3);
    expect(new Set(results.targets.map((t) => t.set))).toEqual(new Set(Object.keys(SETS)));
    for (const target of results.targets) expect([true, false, null]).toContain(target.met);
  });
});

describe('npm run bench', () => {
  it('refuses a benchmark it does not know, naming the ones it has', () => {
    const refused = spawnSync(process.execPath, ['bench/run.mjs', 'nosuch'], { cwd: ROOT, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('tooling, large-manifest, routes, scaling, hub');
  });

  it('gives options to one named benchmark only', () => {
    const refused = spawnSync(process.execPath, ['bench/run.mjs', 'tooling', 'routes', '--reps', '2'], { cwd: ROOT, encoding: 'utf8' });
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('name exactly one');
  });
});
