// Validates the manifests under some paths (on as many threads as pay) into one findings report:
// what `validate --format json` prints. Paths that hold no manifest are an InputError, as in lint.
import { findingsReport, type FindingsReport } from '../findings-report.js';
import { collectInputs, NoManifestsError } from '../manifest/read-inputs.js';
import type { ValidateOptions } from '../validate/validate-source.js';
import { runInParallel } from './run-in-parallel.js';
import type { ProgressListener } from './run-progress.js';

export interface ValidateFilesOptions extends ValidateOptions {
  /** Threads to use (0 and 1: the main thread only); undefined decides from the files and the free cores. */
  threads?: number;
  /** Hears how many of the inputs are done, as the run goes. */
  onProgress?: ProgressListener;
}

export async function validateFiles(paths: readonly string[], options: ValidateFilesOptions = {}): Promise<FindingsReport> {
  const run = await runInParallel({ kind: 'validate', refs: collectInputs(paths), options: { flavour: options.flavour } }, options.threads, options.onProgress);
  const findings = run.batches.flatMap((batch) => batch.findings);
  const files = run.batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  return findingsReport(files, findings);
}
