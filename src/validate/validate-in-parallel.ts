// Spreads many files over worker threads, one per core: parsing JSON dominates the cost,
// and it only scales by using more cores. Small runs stay on the main thread, where
// starting workers would cost more than it saves.
import { availableParallelism } from 'node:os';
import type { InputRef } from '../manifest/read-inputs.js';
import { STDIN_NAME } from '../manifest/read-inputs.js';
import { validateInputs, type ValidationReport } from './validate-inputs.js';
import type { ValidateOptions } from './validate-source.js';

/** Below this many files one thread is faster than paying for worker start-up. */
export const PARALLEL_THRESHOLD = 400;

export interface WorkerRequest {
  refs: InputRef[];
  options: ValidateOptions;
}

export async function validateInParallel(refs: readonly InputRef[], options: ValidateOptions = {}, threads = availableParallelism()): Promise<ValidationReport> {
  const usesStdin = refs.some((ref) => ref.file === STDIN_NAME);
  if (threads < 2 || refs.length < PARALLEL_THRESHOLD || usesStdin) return validateInputs(refs, options);
  const size = Math.ceil(refs.length / threads);
  const slices = Array.from({ length: threads }, (_, i) => refs.slice(i * size, (i + 1) * size)).filter((slice) => slice.length > 0);
  // Contiguous slices, joined in order, keep the report in input order.
  const reports = await Promise.all(slices.map((slice) => runWorker({ refs: slice, options })));
  return { files: reports.reduce((sum, report) => sum + report.files, 0), findings: reports.flatMap((report) => report.findings) };
}

async function runWorker(request: WorkerRequest): Promise<ValidationReport> {
  // Loaded here, not at the top: single-file runs never pay for the worker machinery.
  const { Worker } = await import('node:worker_threads');
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./validate-worker.js', import.meta.url), { workerData: request });
    worker.once('message', (report: ValidationReport) => resolve(report));
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`a validation worker stopped with exit code ${code}`));
    });
  });
}
