// Validates the manifests under some paths (in parallel when there are many) into one findings
// report. Paths that hold no manifest are an InputError, as in lint.
import { findingsReport, type FindingsReport } from '../findings-report.js';
import { collectInputs, NoManifestsError } from '../manifest/read-inputs.js';
import { runInParallel } from '../run/run-in-parallel.js';
import { validateInputs } from './validate-inputs.js';
import type { ValidateOptions } from './validate-source.js';

export async function validateFiles(paths: readonly string[], options: ValidateOptions = {}): Promise<FindingsReport> {
  const batches = await runInParallel({
    refs: collectInputs(paths),
    options: { flavour: options.flavour },
    runHere: validateInputs,
    workerEntry: new URL('./validate-worker.js', import.meta.url),
  });
  const findings = batches.flatMap((batch) => batch.findings);
  const files = batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  return findingsReport(files, findings);
}
