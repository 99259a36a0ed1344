// Runs a validate or lint task on as many threads as pay (thread-count.ts). The main thread
// starts at once; when the run is large enough to use workers, it counts the cores other
// processes leave free during its first LOAD_SAMPLE_MS of work and starts a worker for each (or,
// at once, as many as --threads asks). Threads take batches from one shared counter, so a late
// or slowed thread simply takes fewer; results are put back in input order, so the report is the
// same whatever the thread count. A listener hears how many inputs are done (run-progress.ts).
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { STDIN_NAME } from '../manifest/read-inputs.js';
import { RunProgress, type ProgressListener } from './run-progress.js';
import { claimFrom, errorFrom, newCounter, type SharedWork, type WorkerMessage } from './shared-work.js';
import { LOAD_SAMPLE_MS, mayUseWorkers, sampleCpus, spareCores, workerCount } from './thread-count.js';
import { runBatches, type BatchOf, type SummaryOf, type ThreadResult, type WorkerTask } from './worker-task.js';

export interface ParallelRun<T extends WorkerTask> {
  /** Every batch's result, in input order. */
  batches: BatchOf<T>[];
  /** One per thread. */
  summaries: SummaryOf<T>[];
}

/** Inputs per batch: small enough that threads finish close together (and a few files still make several batches), large enough that taking one costs nothing. */
export function batchSizeFor(files: number, threads: number): number {
  return Math.min(100, Math.max(8, Math.ceil(files / (threads * 8))));
}

/** `requested`: --threads / EDGEWISE_THREADS; undefined decides from the files and the idle cores. */
export async function runInParallel<T extends WorkerTask>(task: T, requested?: number, onProgress?: ProgressListener): Promise<ParallelRun<T>> {
  const { refs } = task;
  const progress = onProgress && new RunProgress(onProgress, refs.length);
  progress?.start();
  const batchDone = progress && ((inputs: number) => progress.batchDone(inputs));
  if (refs.some((ref) => ref.file === STDIN_NAME) || !mayUseWorkers(refs.length, requested)) {
    let next = 0;
    // One batch, unless someone follows the run: then batches as threads take them, so that it
    // moves (the report is the same: batches join in input order).
    return joinThreads([await runBatches(task, progress ? batchSizeFor(refs.length, 1) : Math.max(1, refs.length), () => next++, batchDone)]);
  }
  // Loaded here, not at the top: small runs never pay for the worker machinery.
  const { Worker } = await import('node:worker_threads');
  const work: SharedWork<T> = { task, batchSize: batchSizeFor(refs.length, requested ?? 2), counter: newCounter(), ...(progress ? { progress: progress.counter } : {}) };
  const workers: Worker[] = [];
  const results: Promise<ThreadResult<T>>[] = [];
  const start = (count: number): void => {
    for (let index = 0; index < count; index++) {
      // Beside this module both in dist/run/ and in the bundle (dist/bin/, see scripts/build.mjs).
      const worker = new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: work });
      workers.push(worker);
      results.push(resultOf<T>(worker));
    }
  };
  const cores = availableParallelism();
  const claim = claimFrom(work.counter);
  let claimNext = claim;
  if (requested !== undefined) start(workerCount({ files: refs.length, requested, cores }));
  else {
    // Decided once, between two batches of the main thread, after it has worked a while.
    const before = sampleCpus();
    claimNext = () => {
      if (performance.now() - before.at >= LOAD_SAMPLE_MS) {
        start(workerCount({ files: refs.length, cores, spare: spareCores(before, sampleCpus(), cores) }));
        claimNext = claim;
      }
      return claim();
    };
  }
  let stopReporting: (() => void) | undefined;
  try {
    const own = await runBatches(work.task, work.batchSize, () => claimNext(), batchDone);
    stopReporting = progress?.whileWaiting();
    return joinThreads([own, ...(await Promise.all(results))]);
  } finally {
    stopReporting?.();
    // After a failure the others stop too; after success they have exited already.
    for (const worker of workers) void worker.terminate();
  }
}

function resultOf<T extends WorkerTask>(worker: Worker): Promise<ThreadResult<T>> {
  const result = new Promise<ThreadResult<T>>((resolve, reject) => {
    worker.once('message', (message: WorkerMessage<T>) => (message.ok ? resolve(message.result) : reject(errorFrom(message.error))));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a worker thread stopped with exit code ${code}`));
    });
  });
  // Awaited once the main thread's own batches are done; a failure before then must not count as unhandled.
  result.catch(() => {});
  return result;
}

/** The threads' batches back in input order, whichever thread took each. */
export function joinThreads<T extends WorkerTask>(threads: readonly ThreadResult<T>[]): ParallelRun<T> {
  const batches = threads.flatMap((thread) => thread.batches).sort((a, b) => a.index - b.index);
  return { batches: batches.map((batch) => batch.result), summaries: threads.map((thread) => thread.summary) };
}
