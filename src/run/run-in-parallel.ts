// Spreads many files over worker threads, one per core: parsing JSON dominates the cost,
// and it only scales by using more cores. Small runs stay on the main thread, where
// starting workers would cost more than it saves.
import { availableParallelism } from 'node:os';
import { STDIN_NAME } from '../manifest/read-inputs.js';
import { runTask, type TaskResult, type WorkerTask } from './worker-task.js';

/** Below this many files one thread is faster than paying for worker start-up. */
export const PARALLEL_THRESHOLD = 400;

/** Results per slice, in input order. */
export async function runInParallel<T extends WorkerTask>(task: T, threads = availableParallelism()): Promise<TaskResult<T>[]> {
  const { refs } = task;
  const usesStdin = refs.some((ref) => ref.file === STDIN_NAME);
  if (threads < 2 || refs.length < PARALLEL_THRESHOLD || usesStdin) return [await runTask(task)];
  const size = Math.ceil(refs.length / threads);
  const slices = Array.from({ length: threads }, (_, i) => refs.slice(i * size, (i + 1) * size)).filter((slice) => slice.length > 0);
  // Contiguous slices, joined in order, keep the report in input order.
  return Promise.all(slices.map((slice) => runWorker({ ...task, refs: slice })));
}

async function runWorker<T extends WorkerTask>(task: T): Promise<TaskResult<T>> {
  // Loaded here, not at the top: single-file runs never pay for the worker machinery.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    // Beside this module both in dist/run/ and in the bundle (dist/bin/, see scripts/build.mjs).
    const worker = new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: task });
    worker.once('message', (result: TaskResult<T>) => resolve(result));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a worker thread stopped with exit code ${code}`));
    });
  });
}
