// Lints the manifests under some paths (in parallel when there are many) into one findings
// report, with unused suppressions reported in their config files. With `fix`, fixable findings
// are fixed in the files first; `fixDryRun` computes the same fixes without writing. Returns
// data: the report (what `--format json` prints), and what the other formats and the --fix
// report need beside it.
import type { Finding, FixedFile } from '../findings.js';
import { findingsReport, type FindingsReport } from '../findings-report.js';
import { collectInputs, NoManifestsError, STDIN_NAME } from '../manifest/read-inputs.js';
import { InputError } from '../errors.js';
import type { LintRunOptions } from '../lint/lint-inputs.js';
import { unusedSuppressionFindings } from '../lint/unused-suppressions.js';
import { runInParallel } from './run-in-parallel.js';

export type LintFilesOptions = LintRunOptions;

export interface LintRun {
  /** Only errors with `quiet`. */
  report: FindingsReport;
  /** Every file checked, clean ones included. */
  checkedFiles: string[];
  /** SARIF fingerprints, one per finding of report.results, in the same order. */
  fingerprints: string[];
  /** What `fix` changed (written) or `fixDryRun` would change, per file. */
  fixed: FixedFile[];
}

export async function lintFiles(paths: readonly string[], options: LintFilesOptions = {}): Promise<LintRun> {
  const refs = collectInputs(paths);
  if (options.fix && !options.fixDryRun && refs.some((ref) => ref.file === STDIN_NAME)) throw new InputError('--fix cannot write to stdin; use --fix-dry-run to see the result', 'invalid-option');
  const batches = await runInParallel({ kind: 'lint', refs, options: { configFile: options.configFile, fix: options.fix, fixDryRun: options.fixDryRun, flavour: options.flavour, quiet: options.quiet } });

  const findings: Finding[] = [];
  const fingerprints: string[] = [];
  for (const batch of batches) {
    for (const finding of batch.findings) findings.push(finding);
    for (const fingerprint of batch.fingerprints) fingerprints.push(fingerprint);
  }
  for (const finding of await unusedSuppressionFindings(batches.flatMap((b) => b.configs), new Set(batches.flatMap((b) => b.usedSuppressions)))) {
    if (options.quiet && finding.severity !== 'error') continue;
    findings.push(finding);
    fingerprints.push(`unused-suppression:${finding.file}:${finding.pointer}`);
  }
  const files = batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  return {
    report: findingsReport(files, findings),
    checkedFiles: batches.flatMap((batch) => batch.checkedFiles),
    fingerprints,
    fixed: batches.flatMap((batch) => batch.fixed),
  };
}
