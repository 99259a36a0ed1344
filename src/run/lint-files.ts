// Lints the manifests under some paths (on as many threads as pay) into one findings report,
// with unused suppressions reported in their config files. With `fix`, fixable findings are
// fixed in the files first; `fixDryRun` computes the same fixes without writing. Returns data:
// the report (what `--format json` prints), and what the other formats and the --fix report
// need beside it.
import type { Finding, FixedFile } from '../findings.js';
import { findingsReport, type FindingsReport } from '../findings-report.js';
import { collectInputs, NoManifestsError, STDIN_NAME } from '../manifest/read-inputs.js';
import { InputError } from '../errors.js';
import type { LintRunOptions } from '../lint/lint-inputs.js';
import { unusedSuppressionFindings } from '../lint/unused-suppressions.js';
import { runInParallel, type ParallelRun } from './run-in-parallel.js';
import type { ProgressListener } from './run-progress.js';
import type { LintTask } from './worker-task.js';

export interface LintFilesOptions extends LintRunOptions {
  /** Threads to use (0 and 1: the main thread only); undefined decides from the files and the free cores. */
  threads?: number;
  /** Hears how many of the inputs are done, as the run goes. */
  onProgress?: ProgressListener;
}

export interface LintRun {
  /** Only errors with `quiet`. */
  report: FindingsReport;
  /** Every file checked, clean ones included. */
  checkedFiles: string[];
  /** With `fingerprints`: SARIF fingerprints, one per finding of report.results, in the same order; otherwise empty. */
  fingerprints: string[];
  /** What `fix` changed (written) or `fixDryRun` would change, per file. */
  fixed: FixedFile[];
}

export async function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): Promise<LintRun> {
  const refs = collectInputs(paths);
  if (options.fix && !options.fixDryRun && refs.some((ref) => ref.file === STDIN_NAME)) throw new InputError('--fix cannot write to stdin; use --fix-dry-run to see the result', 'invalid-option');
  const { configFile, fix, fixDryRun, flavour, quiet, fingerprints } = options;
  const run = await runInParallel({ kind: 'lint', refs, options: { configFile, fix, fixDryRun, flavour, quiet, fingerprints } }, options.threads, options.onProgress);
  return joinLintRun(paths, run, options);
}

/** One report of the threads' batches (in input order) and of the config files they used. */
export async function joinLintRun(paths: readonly string[], run: ParallelRun<LintTask>, options: Pick<LintRunOptions, 'quiet' | 'fingerprints'>): Promise<LintRun> {
  const findings: Finding[] = [];
  const fingerprints: string[] = [];
  for (const batch of run.batches) {
    for (const finding of batch.findings) findings.push(finding);
    for (const fingerprint of batch.fingerprints) fingerprints.push(fingerprint);
  }
  // Each thread saw some of the files: a config's suppressions are unused only if no thread used
  // them, and configs are reported on in the order of the first file each applied to.
  const configs = run.summaries.flatMap((summary) => summary.configs).sort((a, b) => a.firstInput - b.firstInput);
  const used = new Set(run.summaries.flatMap((summary) => summary.usedSuppressions));
  for (const finding of await unusedSuppressionFindings(configs.map((entry) => entry.config), used)) {
    if (options.quiet && finding.severity !== 'error') continue;
    findings.push(finding);
    if (options.fingerprints) fingerprints.push(`unused-suppression:${finding.file}:${finding.pointer}`);
  }
  const files = run.batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  return {
    report: findingsReport(files, findings),
    checkedFiles: run.batches.flatMap((batch) => batch.checkedFiles),
    fingerprints,
    fixed: run.batches.flatMap((batch) => batch.fixed),
  };
}
