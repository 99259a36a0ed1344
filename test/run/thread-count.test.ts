// How many worker threads a run starts: only as many as there are cores other processes leave
// free while the main thread works and files enough to earn back a worker's start, unless the user says (--threads,
// EDGEWISE_THREADS).
import type { CpuInfo } from 'node:os';
import { describe, expect, it } from 'vitest';
import { FILES_PER_THREAD, MAX_THREADS, mayUseWorkers, requestedThreads, sampleCpus, spareCores, workerCount, type CpuSources } from '../../src/run/thread-count.js';

describe('workerCount', () => {
  it('starts none for a small run, however many cores are idle', () => {
    expect(workerCount({ files: 1, cores: 16, spare: 15 })).toBe(0);
    expect(workerCount({ files: 2 * FILES_PER_THREAD - 1, cores: 16, spare: 15 })).toBe(0);
    expect(mayUseWorkers(2 * FILES_PER_THREAD - 1, undefined)).toBe(false);
    expect(mayUseWorkers(2 * FILES_PER_THREAD, undefined)).toBe(true);
  });

  it('adds a worker per FILES_PER_THREAD files, up to the idle cores', () => {
    expect(workerCount({ files: 2 * FILES_PER_THREAD, cores: 2, spare: 1 })).toBe(1);
    expect(workerCount({ files: 100 * FILES_PER_THREAD, cores: 2, spare: 0.9 })).toBe(1);
    expect(workerCount({ files: 3 * FILES_PER_THREAD, cores: 8, spare: 7 })).toBe(2);
    expect(workerCount({ files: 100 * FILES_PER_THREAD, cores: 8, spare: 3.4 })).toBe(3);
    // Never more than the other cores, whatever the sample says.
    expect(workerCount({ files: 100 * FILES_PER_THREAD, cores: 4, spare: 4 })).toBe(3);
  });

  it('starts none when the other cores are busy, or when they could not be measured', () => {
    // A 2-core machine running one other busy process leaves no core: a worker would only take turns with the main thread.
    expect(workerCount({ files: 10_000, cores: 2, spare: 0.3 })).toBe(0);
    expect(workerCount({ files: 10_000, cores: 8, spare: 0 })).toBe(0);
    expect(workerCount({ files: 10_000, cores: 8 })).toBe(0);
  });

  it('does what the user asks, but never starts more threads than there are files', () => {
    expect(workerCount({ files: 10_000, requested: 0, cores: 8, spare: 7 })).toBe(0);
    expect(workerCount({ files: 10_000, requested: 1, cores: 8, spare: 7 })).toBe(0);
    expect(workerCount({ files: 10, requested: 4, cores: 2, spare: 0 })).toBe(3);
    expect(workerCount({ files: 3, requested: 8, cores: 8 })).toBe(2);
    expect(mayUseWorkers(10, 2)).toBe(true);
    expect(mayUseWorkers(1, 2)).toBe(false);
    expect(mayUseWorkers(10_000, 1)).toBe(false);
  });
});

describe('spareCores', () => {
  /** A machine whose cores have been busy this long (ms), and this process this long. */
  const machine = (at: number, busyPerCore: number[], own: number): CpuSources => ({
    cpus: (): CpuInfo[] => busyPerCore.map((busy) => ({ model: 'test', speed: 1, times: { user: busy, nice: 0, sys: 0, idle: 1_000_000, irq: 0 } })),
    ownUsage: () => ({ user: own * 1000, system: 0 }),
    now: () => at,
  });

  it('leaves a core for a worker on a 2-core machine that runs only this process', () => {
    // 250 ms: the main thread kept one core busy, V8's helper threads half of the other.
    const before = sampleCpus(machine(1000, [5000, 5000], 100));
    const after = sampleCpus(machine(1250, [5250, 5125], 100 + 375));
    expect(spareCores(before, after, 2)).toBeCloseTo(1);
    expect(workerCount({ files: 10_000, cores: 2, spare: spareCores(before, after, 2) })).toBe(1);
  });

  it('leaves none when another process keeps the other core busy', () => {
    const before = sampleCpus(machine(1000, [5000, 5000], 100));
    const after = sampleCpus(machine(1250, [5250, 5240], 100 + 250));
    expect(spareCores(before, after, 2)).toBeCloseTo(0.04);
    expect(workerCount({ files: 10_000, cores: 2, spare: spareCores(before, after, 2) })).toBe(0);
  });

  it('counts what others use on a larger machine, and nothing for a window of no time', () => {
    const before = sampleCpus(machine(0, [0, 0, 0, 0, 0, 0, 0, 0], 0));
    // Over 500 ms this process used one core; others used two and a half.
    const after = sampleCpus(machine(500, [500, 500, 500, 250, 0, 0, 0, 0], 500));
    expect(spareCores(before, after, 8)).toBeCloseTo(4.5);
    expect(spareCores(before, before, 8)).toBe(0);
  });

  it('reads this machine', () => {
    const before = sampleCpus();
    const after = sampleCpus();
    expect(after.busy).toBeGreaterThanOrEqual(before.busy);
    expect(after.own).toBeGreaterThanOrEqual(before.own);
    expect(spareCores(before, after, 2)).toBeLessThanOrEqual(1);
  });
});

describe('requestedThreads', () => {
  it('takes --threads over EDGEWISE_THREADS, and neither means the run decides', () => {
    expect(requestedThreads('3', '1')).toBe(3);
    expect(requestedThreads(undefined, '2')).toBe(2);
    expect(requestedThreads(undefined, ' 0 ')).toBe(0);
    expect(requestedThreads(undefined, undefined)).toBeUndefined();
    expect(requestedThreads(undefined, '')).toBeUndefined();
  });

  it('refuses what is not a whole number of threads, in one line saying what to write', () => {
    expect(() => requestedThreads('two', undefined)).toThrow('--threads two: expected a whole number of threads from 0 to 256 (0 or 1: no worker threads), e.g. --threads 2');
    expect(() => requestedThreads(undefined, '-1')).toThrow('EDGEWISE_THREADS=-1: expected a whole number of threads');
    expect(() => requestedThreads('1.5', undefined)).toThrow('--threads 1.5');
    expect(() => requestedThreads(String(MAX_THREADS + 1), undefined)).toThrow(`from 0 to ${MAX_THREADS}`);
    expect(requestedThreads(String(MAX_THREADS), undefined)).toBe(MAX_THREADS);
  });
});
