// How many worker threads help the main thread check a run's files. A worker pays for itself
// only when it gets a core of its own and enough files to earn back its start: it loads the code
// and warms up the JIT again, which costs as much as checking a few hundred files, and on a
// machine whose cores are busy it only takes turns with the main thread and costs more CPU than
// it saves (BENCHMARKS.md, issue 15). So the count follows the files and the cores that other
// processes leave free while the main thread works, unless the user sets it. (The one-minute
// load average is no guide here: it still counts the run before this one.)
import { cpus, type CpuInfo } from 'node:os';
import { InputError } from '../errors.js';

/**
 * Files per thread: a worker joins from twice this many. Measured on a 2-core machine with a core
 * free (issue 15): at 2,000 files a second thread gained nothing, at 4,000 it made lint 1.2× and
 * validate 1.3× faster, at 10,000 1.5×.
 */
export const FILES_PER_THREAD = 1500;

/** How long the main thread works before the spare cores are counted: long enough for the 10 ms clock ticks of /proc/stat to say something. */
export const LOAD_SAMPLE_MS = 250;

export interface WorkerCountInputs {
  files: number;
  /** --threads or EDGEWISE_THREADS, the main thread included; 0 and 1 mean no workers. */
  requested?: number;
  /** os.availableParallelism(). */
  cores: number;
  /** Cores other processes left free while the main thread worked (spareCores()); undefined if not measured. */
  spare?: number;
}

/** Whether a run of this many files could use a worker, so that measuring idle cores is worth it. */
export function mayUseWorkers(files: number, requested: number | undefined): boolean {
  return requested === undefined ? files >= 2 * FILES_PER_THREAD : requested > 1 && files > 1;
}

/** Worker threads to start beside the main thread: never more than the files can use. */
export function workerCount({ files, requested, cores, spare }: WorkerCountInputs): number {
  if (requested !== undefined) return Math.max(0, Math.min(requested, files) - 1);
  const byFiles = Math.floor(files / FILES_PER_THREAD) - 1;
  const free = Math.round(spare ?? 0);
  return Math.max(0, Math.min(byFiles, free, cores - 1));
}

/** The machine's and this process's CPU time at one moment (milliseconds). */
export interface CpuSample {
  /** performance.now(). */
  at: number;
  /** Time all cores spent busy (not idle), summed. */
  busy: number;
  /** This process's CPU time, its helper threads included (V8 compiles and collects garbage on other cores). */
  own: number;
}

export interface CpuSources {
  cpus: () => CpuInfo[];
  ownUsage: () => { user: number; system: number };
  now: () => number;
}

const MACHINE: CpuSources = { cpus, ownUsage: () => process.cpuUsage(), now: () => performance.now() };

export function sampleCpus(sources: CpuSources = MACHINE): CpuSample {
  let busy = 0;
  for (const { times } of sources.cpus()) busy += times.user + times.nice + times.sys + times.irq;
  const own = sources.ownUsage();
  return { at: sources.now(), busy, own: (own.user + own.system) / 1000 };
}

/**
 * Cores a worker could have between two samples: the cores other than the main thread's, less
 * what other processes kept busy. This process's own helper threads do not count against it:
 * while the main thread warms up, V8 compiles and collects garbage on the other cores, which a
 * plain count of idle time would take for another program's load.
 */
export function spareCores(before: CpuSample, after: CpuSample, cores: number): number {
  const window = after.at - before.at;
  if (window <= 0) return 0;
  const others = Math.max(0, after.busy - before.busy - (after.own - before.own)) / window;
  return Math.max(0, cores - 1 - others);
}

/** The user's thread count: --threads wins over EDGEWISE_THREADS; undefined lets the run decide. */
export function requestedThreads(option: string | undefined, environment: string | undefined): number | undefined {
  if (option !== undefined) return parseThreads(option, `--threads ${option}`, '--threads 2');
  if (environment === undefined || environment.trim() === '') return undefined;
  return parseThreads(environment.trim(), `EDGEWISE_THREADS=${environment}`, 'EDGEWISE_THREADS=2');
}

/** Far more than any machine has cores: a typo such as 40000 is refused rather than starting that many threads. */
export const MAX_THREADS = 256;

function parseThreads(value: string, given: string, example: string): number {
  if (!/^\d+$/.test(value) || Number(value) > MAX_THREADS) {
    throw new InputError(`${given}: expected a whole number of threads from 0 to ${MAX_THREADS} (0 or 1: no worker threads), e.g. ${example}`, 'invalid-option');
  }
  return Number(value);
}
