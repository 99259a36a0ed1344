// `edgewise validate`: collect inputs, validate them (in parallel when there are many), report.
// Paths that hold no manifest are a usage error (exit 2), as in lint.
import { collectInputs, NoManifestsError } from '../manifest/read-inputs.js';
import { summarize } from '../findings.js';
import { exitCodeFor, type CommandResult } from '../report/command-result.js';
import { renderReport } from '../report/render-report.js';
import type { ReportFormat } from '../report/report-formats.js';
import { runInParallel } from '../run/run-in-parallel.js';
import type { ValidateOptions } from './validate-source.js';

export async function runValidate(paths: string[], options: ValidateOptions & { format: ReportFormat; color: boolean }): Promise<CommandResult> {
  const reports = await runInParallel({ kind: 'validate', refs: collectInputs(paths), options: { flavour: options.flavour } });
  const findings = reports.flatMap((report) => report.findings);
  const files = reports.reduce((sum, report) => sum + report.files, 0);
  if (files === 0) throw new NoManifestsError(paths);
  const summary = summarize(files, findings);
  const context = { findings, files, checkedFiles: [], rules: [], fingerprint: () => '', baseFolder: process.cwd(), toolVersion: '' };
  return { exitCode: exitCodeFor(summary.errors, 0), stdout: await renderReport(options.format, context, options.color), stderr: '', files: [] };
}
