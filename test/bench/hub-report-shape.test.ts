// The edge hub benchmark (`npm run bench -- hub`) run end to end in its --quick form at the
// smallest sizes: every section (store, ingest, the drain after an outage, latency online, the TTL
// cleanup, kill -9, memory) must produce its table with the load average beside it, the hub's rows
// must carry numbers (every acknowledged message delivered, a ratio against mosquitto with a
// bridge where mosquitto is installed), and the JSON must hold the same samples. Shape only: no
// figure is compared with a time. The peers are mosquitto with a bridge and the hub (the others
// are the same code with another setting), to stay near a minute on a busy 2-core machine.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MOSQUITTO = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto'].some((file) => existsSync(file));
const RATE = 200;
const OUTAGE_SECONDS = 2;
const TTL_MESSAGES = 5_000;
const MEMORY_LEVELS = [0, 1_000];

type Percentiles = { n: number; p50: number; p99: number; max: number };
type Results = {
  totalSeconds: number;
  reference?: string;
  failed: Record<string, string>;
  unavailable: Record<string, string>;
  ingest: Record<string, Record<string, { ingestRate: number; drainRate: number }[]>>;
  outage: Record<string, { queued: number; received: number; complete: boolean; firstMs: number; lastMs: number; drainRate: number; load: number[] }[]>;
  latency: Record<string, { sent: number; received: number; endToEnd: Percentiles; puback: Percentiles }[]>;
  ttl: { removed: number; passMs: number; before: Percentiles; during: Percentiles; load: number[] }[];
  kill: Record<string, { acked: number; lost: number }[]>;
  memory: Record<string, { level: number; rssMiB: number }[]>;
  store: { results: Record<string, { rate: number }[]> };
};

let work: string;
let run: ReturnType<typeof spawnSync>;
let stdout: string;
let results: Results;

beforeAll(() => {
  if (!MOSQUITTO) console.warn('mosquitto is not installed: its rows read "not available" and only the hub rows are checked (Debian: apt-get install -y mosquitto)');
  work = mkdtempSync(join(tmpdir(), 'edgewise-bench-hub-'));
  const args = ['bench/run.mjs', 'hub', '--quick', '--peers', 'mosquitto-bridge,hub', '--messages', '200', '--workloads', '200x10', '--rate', String(RATE),
    '--outage-seconds', String(OUTAGE_SECONDS), '--latency-seconds', '1', '--ttl-messages', String(TTL_MESSAGES), '--ttl-interval', '10',
    '--memory-levels', MEMORY_LEVELS.join(','), '--json', join(work, 'results.json')];
  run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', env: { ...process.env, EDGEWISE_BENCH_BUILD: '', EDGEWISE_BENCH_BASELINE_BUILD: '', EDGEWISE_BENCH_HUB_NODE_ARGS: '' } });
  stdout = String(run.stdout);
  results = JSON.parse(readFileSync(join(work, 'results.json'), 'utf8')) as Results;
}, 240_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('npm run bench -- hub --quick', () => {
  it('finishes without a failed peer', () => {
    expect(run.status, String(run.stderr).slice(-3000)).toBe(0);
    expect(results.failed).toEqual({});
    expect(Object.keys(results.unavailable).filter((what) => what !== 'mosquitto' || MOSQUITTO)).toEqual([]);
    console.log(`the quick hub benchmark took ${results.totalSeconds.toFixed(0)} s`);
  });

  it('prints every section, with the load average', () => {
    for (const heading of [
      '## Edge hub (issues 12 and 16)',
      '### Ingest while the upstream is down',
      '### Drain after the outage',
      `### Drain after a ${OUTAGE_SECONDS} s outage`,
      '### End-to-end latency online',
      '### Ingest while the expiry cleanup deletes expired messages',
      '### The store alone',
      '### kill -9 after acknowledged messages',
      '### Memory while the queue grows',
    ]) {
      expect(stdout).toContain(heading);
    }
    expect(stdout).toMatch(/load average \(1 min\) at start [\d.]+, at end [\d.]+/);
    expect(stdout).toMatch(/Load during the drains: [\d.]+–[\d.]+\./);
    expect(stdout).toMatch(/### End-to-end latency online\n\n[^\n]*Load: [\d.]+–[\d.]+\./);
    expect(stdout).toMatch(/Load: [\d.]+–[\d.]+\. The paced publishers' largest delay against their schedule: [\d.]+ ms\. The pass took [\d.]+ s/);
    expect(stdout).not.toMatch(/failed:|not available: (?!mosquitto)/);
  });

  it('drains every acknowledged message after the outage, timed from the restore', () => {
    const peers = MOSQUITTO ? ['hub', 'mosquitto-bridge'] : ['hub'];
    for (const peer of peers) {
      const [sample] = results.outage[peer]!;
      expect(sample!.queued, peer).toBe(RATE * OUTAGE_SECONDS);
      expect(sample!.complete, peer).toBe(true);
      expect(sample!.received, peer).toBe(sample!.queued);
      expect(sample!.firstMs, peer).toBeGreaterThanOrEqual(0);
      expect(sample!.lastMs, peer).toBeGreaterThanOrEqual(sample!.firstMs);
      expect(sample!.load.every(Number.isFinite), peer).toBe(true);
    }
  });

  it('measures end-to-end and PUBACK latency of every message online', () => {
    for (const peer of MOSQUITTO ? ['hub', 'mosquitto-bridge'] : ['hub']) {
      const [sample] = results.latency[peer]!;
      expect(sample!.received, peer).toBe(sample!.sent);
      expect(sample!.endToEnd.n, peer).toBe(sample!.sent);
      expect(sample!.endToEnd.p50, peer).toBeGreaterThanOrEqual(0);
      expect(sample!.endToEnd.p99, peer).toBeGreaterThanOrEqual(sample!.endToEnd.p50);
      expect(sample!.puback.n, peer).toBe(sample!.sent);
    }
  });

  it('measures ingest before and during a cleanup pass that deletes every expired message', () => {
    const [sample] = results.ttl;
    expect(sample!.removed).toBe(TTL_MESSAGES);
    expect(sample!.before.n).toBeGreaterThan(0);
    expect(sample!.before.p99).toBeGreaterThanOrEqual(sample!.before.p50);
    expect(stdout).toMatch(/\| before the pass \(no cleanup\) \| [\d.,]+ \|/);
    expect(stdout).toContain(`| during the pass (deleting ${TTL_MESSAGES.toLocaleString('en-US')})`);
    expect(stdout).toMatch(/\| during ÷ before, run by run \|/);
  });

  it('keeps the ingest, store, kill and memory rows, with ratios against mosquitto with a bridge', () => {
    expect(results.ingest.hub!['200|10']![0]!.ingestRate).toBeGreaterThan(0);
    expect(results.kill.hub![0]!.lost).toBe(0);
    expect(results.memory.hub!.map((row) => row.level)).toEqual(MEMORY_LEVELS);
    expect(Object.values(results.store.results).every((samples) => samples[0]!.rate > 0)).toBe(true);
    if (!MOSQUITTO) return;
    expect(results.reference).toBe('mosquitto-bridge');
    expect(stdout).toContain('| hub ÷ mosquitto-bridge |');
    expect(stdout).toMatch(/\| edgewise hub \(commit before PUBACK, no fsync\) \| [^\n]* \| [\d.]+× \|\n/);
    expect(stdout).toMatch(/Hub RSS ÷ mosquitto-bridge RSS/);
  });
});
