// Validates the manifests under some paths (in parallel when there are many) into one findings
// report: what `validate --format json` prints. Paths that hold no manifest are an InputError, as in lint.
import { findingsReport, type FindingsReport } from '../findings-report.js';
import { collectInputs, NoManifestsError } from '../manifest/read-inputs.js';
import type { ValidateOptions } from '../validate/validate-source.js';
import { runInParallel } from './run-in-parallel.js';

export async function validateFiles(paths: readonly string[], options: ValidateOptions = {}): Promise<FindingsReport> {
  const batches = await runInParallel({ kind: 'validate', refs: collectInputs(paths), options: { flavour: options.flavour } });
  const findings = batches.flatMap((batch) => batch.findings);
  const files = batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  return findingsReport(files, findings);
}
