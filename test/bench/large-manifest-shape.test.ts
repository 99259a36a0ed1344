// The one-large-manifest benchmark (`npm run bench -- large-manifest`) in its --quick form on a
// small manifest: the merged manifest must be as large as asked and valid (ajv-cli and edgewise
// validate accept it, so the peer's time is a real validation), and every command must get a row
// with its time, peak RSS and ratio to ajv-cli. Shape only: no figure is compared with a time.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BYTES = 300_000;

type Row = { id: string; failed?: string; runs: { ms: number; rssMB: number | null; load1: number }[] };
type Report = { manifest: { bytes: number; files: number; modules: number }; rows: Row[]; gnuTime: boolean; markdown: string };
type Manifest = { modulesContent: { $edgeAgent: { 'properties.desired': { modules: object } } } };

let work: string;
let run: ReturnType<typeof spawnSync>;
let report: Report;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'edgewise-bench-large-'));
  run = spawnSync(process.execPath, ['bench/run.mjs', 'large-manifest', '--quick', '--bytes', String(BYTES), '--data', join(work, 'data'), '--json', join(work, 'results.json')], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EDGEWISE_BENCH_BUILD: '' } });
  report = JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) as Report;
}, 90_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run bench -- large-manifest --quick', () => {
  it('merges distinct files into one manifest of at least the size asked for', () => {
    const text = readFileSync(join(work, 'data', 'manifest', 'deployment.json'));
    expect(text.length).toBeGreaterThanOrEqual(BYTES);
    expect(report.manifest.bytes).toBe(text.length);
    expect(report.manifest.files).toBeGreaterThan(1);
    const modules = Object.keys((JSON.parse(text.toString('utf8')) as Manifest).modulesContent.$edgeAgent['properties.desired'].modules);
    expect(modules.length).toBe(report.manifest.modules);
  });

  it('measures every command without a failed run (ajv-cli and edgewise validate both accept the manifest)', () => {
    expect(run.status, String(run.stderr).slice(-2000)).toBe(0);
    expect(report.rows.map((row) => row.id)).toEqual(['floor-parse', 'ajv-cli', 'validate', 'lint']);
    for (const row of report.rows) {
      expect(row.failed, row.id).toBeFalsy();
      expect(row.runs).toHaveLength(1);
      expect(row.runs[0]!.ms, row.id).toBeGreaterThan(0);
      if (report.gnuTime) expect(row.runs[0]!.rssMB, row.id).toBeGreaterThan(0);
    }
  });

  it('prints the table with ratios to ajv-cli and the load', () => {
    const stdout = String(run.stdout);
    expect(stdout).toContain('## One large manifest');
    expect(stdout).toContain('| command | time s | ratio to ajv-cli | peak RSS MB | RSS ratio to ajv-cli | load (1 min) |');
    expect(stdout).toMatch(/\| edgewise lint \| [\d.]+ \| [\d.]+× \| [\d.]+ \| [\d.]+× \| [\d.]+–[\d.]+ \|/);
    expect(stdout).toMatch(/load average \(1 \/ 5 \/ 15 min\): [\d.]+ \/ [\d.]+ \/ [\d.]+ at the start/);
    expect(stdout.trim()).toContain(report.markdown.trim());
  });
});
