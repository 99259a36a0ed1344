// `edgewise lint`: renders each requested format to stdout or its --output file, and decides
// the exit code (ESLint's: errors, or more warnings than --max-warnings, give 1; paths that
// hold no manifest give 2). What --fix changed goes to stderr; a --fix-dry-run diff goes to
// stdout ahead of a stylish report, or to stderr when stdout carries a machine-readable format.
import type { Finding } from '../../findings.js';
import { lintFiles, type LintFilesOptions } from '../../run/lint-files.js';
import { checkFormat, formatNeeds, loadFormatter } from '../../report/formatters.js';
import { RULES } from '../../rules/index.js';
import { exitCodeFor, type CommandResult } from '../command-result.js';
import { withProgress, type ProgressDisplay } from '../progress-bar.js';

export interface LintCommandOptions extends LintFilesOptions {
  /** Formats with their output file (undefined: stdout). */
  reports: { format: string; output?: string }[];
  maxWarnings?: number;
  color: boolean;
  toolVersion: string;
  /** A progress bar on the terminal (progress-bar.ts); cleared before anything is printed. */
  progress?: ProgressDisplay;
}

export async function runLint(paths: string[], options: LintCommandOptions): Promise<CommandResult> {
  for (const entry of options.reports) checkFormat('lint', entry.format);
  const run = await withProgress(options.progress, (onProgress) => lintFiles(paths, { ...options, fingerprints: options.reports.some((entry) => formatNeeds('lint', entry.format).fingerprints), onProgress }));
  const { report } = run;
  // Computed only when a format shows them (SARIF).
  const fingerprints = new Map<Finding, string>(run.fingerprints.length === 0 ? [] : report.results.map((finding, index) => [finding, run.fingerprints[index]!]));
  const context = {
    findings: report.results,
    files: report.summary.files,
    checkedFiles: run.checkedFiles,
    rules: RULES.map((rule) => rule.meta),
    fingerprint: (finding: Finding) => fingerprints.get(finding) ?? '',
    baseFolder: process.cwd(),
    toolVersion: options.toolVersion,
  };
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  if (run.fixed.length > 0) {
    const [applied, preview, wouldFix] = await Promise.all([loadFormatter('fix', 'applied'), loadFormatter('fix', 'preview'), loadFormatter('fix', 'would-fix')]);
    const diffToStdout = options.reports.every((entry) => entry.output || entry.format === 'stylish');
    for (const fixed of run.fixed) {
      if (fixed.written) {
        result.stderr += applied.render(fixed, { color: false });
        continue;
      }
      if (diffToStdout) result.stdout += preview.render(fixed, { color: options.color });
      else result.stderr += preview.render(fixed, { color: false });
      result.stderr += wouldFix.render(fixed, { color: false });
    }
  }
  for (const entry of options.reports) {
    const text = (await loadFormatter('lint', entry.format)).render(context, { color: options.color && !entry.output });
    if (entry.output) result.files.push({ path: entry.output, text });
    else result.stdout += text;
  }
  // The summary counts what the capped reports leave out too (findings-cap.ts), so
  // --max-warnings and the exit code see every finding. With --quiet it holds errors only.
  const { errors, warnings } = report.summary;
  result.exitCode = exitCodeFor(errors, warnings, options.maxWarnings);
  if (options.maxWarnings !== undefined && warnings > options.maxWarnings) {
    result.stderr += `${warnings} warning${warnings === 1 ? '' : 's'}, more than --max-warnings ${options.maxWarnings}\n`;
  }
  return result;
}
