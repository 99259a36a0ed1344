// Spreads many files over worker threads, one per core: parsing JSON dominates the cost,
// and it only scales by using more cores. Small runs stay on the main thread, where
// starting workers would cost more than it saves. The pool knows nothing of what a slice
// does: its caller gives the function for this thread and the worker entry that runs the same
// function in a thread (see serve-slice.ts), so lint and validate each bring their own.
import { availableParallelism } from 'node:os';
import { STDIN_NAME, type InputRef } from '../manifest/read-inputs.js';

/** Below this many files one thread is faster than paying for worker start-up. */
export const PARALLEL_THRESHOLD = 400;

/** What a worker receives as workerData: plain data, so it crosses the thread boundary by structured clone. */
export interface Slice<Options> {
  refs: InputRef[];
  options: Options;
}

export interface ParallelRun<Options, Result> {
  refs: readonly InputRef[];
  options: Options;
  /** Runs a slice on this thread. */
  runHere(refs: readonly InputRef[], options: Options): Promise<Result>;
  /** A module that calls serveSlice() with the same function, for worker threads. */
  workerEntry: URL;
}

/** Results per slice, in input order. */
export async function runInParallel<Options, Result>(run: ParallelRun<Options, Result>, threads = availableParallelism()): Promise<Result[]> {
  const { refs } = run;
  const usesStdin = refs.some((ref) => ref.file === STDIN_NAME);
  if (threads < 2 || refs.length < PARALLEL_THRESHOLD || usesStdin) return [await run.runHere(refs, run.options)];
  const size = Math.ceil(refs.length / threads);
  const slices = Array.from({ length: threads }, (_, i) => refs.slice(i * size, (i + 1) * size)).filter((slice) => slice.length > 0);
  // Contiguous slices, joined in order, keep the report in input order.
  return Promise.all(slices.map((slice) => runWorker<Options, Result>(run.workerEntry, { refs: slice, options: run.options })));
}

async function runWorker<Options, Result>(entry: URL, slice: Slice<Options>): Promise<Result> {
  // Loaded here, not at the top: single-file runs never pay for the worker machinery.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: slice });
    worker.once('message', (result: Result) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a worker thread stopped with exit code ${code}`));
    });
  });
}
