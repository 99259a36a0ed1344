// `edgewise validate`: the findings report in the asked format; exit 1 on errors.
import { validateFiles, type ValidateFilesOptions } from '../../run/validate-files.js';
import { checkFormat, loadFormatter } from '../../report/formatters.js';
import { exitCodeFor, type CommandResult } from '../command-result.js';

export async function runValidate(paths: string[], options: ValidateFilesOptions & { format: string; color: boolean }): Promise<CommandResult> {
  checkFormat('validate', options.format);
  // The formatter loads while the files are validated.
  const [formatter, report] = await Promise.all([loadFormatter('validate', options.format), validateFiles(paths, { flavour: options.flavour, threads: options.threads })]);
  const context = { findings: report.results, files: report.summary.files, checkedFiles: [], rules: [], fingerprint: () => '', baseFolder: process.cwd(), toolVersion: '' };
  return { exitCode: exitCodeFor(report.summary.errors, 0), stdout: formatter.render(context, { color: options.color }), stderr: '', files: [] };
}
