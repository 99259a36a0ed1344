// `edgewise validate`: the findings report in the asked format; exit 1 on errors.
import { validateFiles } from '../../validate/validate-files.js';
import type { ValidateOptions } from '../../validate/validate-source.js';
import { renderReport } from '../../report/render-report.js';
import type { ReportFormat } from '../../report/report-formats.js';
import { exitCodeFor, type CommandResult } from '../command-result.js';

export async function runValidate(paths: string[], options: ValidateOptions & { format: ReportFormat; color: boolean }): Promise<CommandResult> {
  const report = await validateFiles(paths, { flavour: options.flavour });
  const context = { findings: report.results, files: report.summary.files, checkedFiles: [], rules: [], fingerprint: () => '', baseFolder: process.cwd(), toolVersion: '' };
  return { exitCode: exitCodeFor(report.summary.errors, 0), stdout: await renderReport(options.format, context, options.color), stderr: '', files: [] };
}
