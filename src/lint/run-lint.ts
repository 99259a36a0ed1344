// `edgewise lint`: lint every input (in parallel when there are many), report unused
// suppressions, render each requested format to stdout or its --output file, and decide the
// exit code (ESLint's: errors, or more warnings than --max-warnings, give 1; paths that hold
// no manifest give 2). What --fix changed goes to stderr; a --fix-dry-run diff goes to stdout
// ahead of a stylish report, or to stderr when stdout carries a machine-readable format.
import type { Finding } from '../findings.js';
import { collectInputs, NoManifestsError, STDIN_NAME } from '../manifest/read-inputs.js';
import { exitCodeFor, type CommandResult } from '../report/command-result.js';
import { countFindings } from '../report/findings-cap.js';
import { formatAppliedFixes, formatFixPreview, formatWouldFix } from '../report/fix-report.js';
import { renderReport } from '../report/render-report.js';
import type { ReportFormat } from '../report/report-formats.js';
import { InputError } from '../errors.js';
import { RULES } from '../rules/index.js';
import { runInParallel } from '../run/run-in-parallel.js';
import type { LintRunOptions } from './lint-inputs.js';
import { unusedSuppressionFindings } from './unused-suppressions.js';

export interface LintCommandOptions extends LintRunOptions {
  /** Formats with their output file (undefined: stdout). */
  reports: { format: ReportFormat; output?: string }[];
  maxWarnings?: number;
  quiet?: boolean;
  color: boolean;
  toolVersion: string;
}

export async function runLint(paths: string[], options: LintCommandOptions): Promise<CommandResult> {
  const refs = collectInputs(paths);
  if (options.fix && !options.fixDryRun && refs.some((ref) => ref.file === STDIN_NAME)) throw new InputError('--fix cannot write to stdin; use --fix-dry-run to see the result', 'invalid-option');
  const batches = await runInParallel({ kind: 'lint', refs, options: { configFile: options.configFile, fix: options.fix, fixDryRun: options.fixDryRun, flavour: options.flavour, quiet: options.quiet } });

  const findings: Finding[] = [];
  const fingerprints = new Map<Finding, string>();
  for (const batch of batches) {
    batch.findings.forEach((finding, index) => {
      findings.push(finding);
      fingerprints.set(finding, batch.fingerprints[index]!);
    });
  }
  for (const finding of await unusedSuppressionFindings(batches.flatMap((b) => b.configs), new Set(batches.flatMap((b) => b.usedSuppressions)))) {
    findings.push(finding);
    fingerprints.set(finding, `unused-suppression:${finding.file}:${finding.pointer}`);
  }
  const shown = options.quiet ? findings.filter((finding) => finding.severity === 'error') : findings;
  const files = batches.reduce((sum, batch) => sum + batch.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  const context = {
    findings: shown,
    files,
    checkedFiles: batches.flatMap((batch) => batch.checkedFiles),
    rules: RULES.map((rule) => rule.meta),
    fingerprint: (finding: Finding) => fingerprints.get(finding) ?? '',
    baseFolder: process.cwd(),
    toolVersion: options.toolVersion,
  };
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  const fixedFiles = batches.flatMap((batch) => batch.fixed);
  const diffToStdout = options.reports.every((report) => report.output || report.format === 'stylish');
  for (const fixed of fixedFiles) {
    if (fixed.written) {
      result.stderr += formatAppliedFixes(fixed);
      continue;
    }
    if (diffToStdout) result.stdout += formatFixPreview(fixed, options.color);
    else result.stderr += formatFixPreview(fixed, false);
    result.stderr += formatWouldFix(fixed);
  }
  for (const report of options.reports) {
    const text = await renderReport(report.format, context, options.color && !report.output);
    if (report.output) result.files.push({ path: report.output, text });
    else result.stdout += text;
  }
  // Counts what the capped reports leave out too (findings-cap.ts), so --max-warnings and the
  // exit code see every finding.
  const summary = countFindings(files, findings);
  const warnings = options.quiet ? 0 : summary.warnings;
  result.exitCode = exitCodeFor(summary.errors, warnings, options.maxWarnings);
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    result.stderr += `${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings}\n`;
  }
  return result;
}
