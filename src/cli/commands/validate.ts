// `edgewise validate`: the findings report in the asked format; exit 1 on errors.
import { validateFiles, type ValidateFilesOptions } from '../../run/validate-files.js';
import { checkFormat, loadFormatter } from '../../report/formatters.js';
import { exitCodeFor, type CommandResult } from '../command-result.js';
import { withProgress, type ProgressDisplay } from '../progress-bar.js';

/** `progress`: a progress bar on the terminal (progress-bar.ts), cleared before anything is printed. */
export async function runValidate(paths: string[], options: ValidateFilesOptions & { format: string; color: boolean; progress?: ProgressDisplay }): Promise<CommandResult> {
  checkFormat('validate', options.format);
  // The formatter loads while the files are validated.
  const [formatter, report] = await Promise.all([
    loadFormatter('validate', options.format),
    withProgress(options.progress, (onProgress) => validateFiles(paths, { flavour: options.flavour, threads: options.threads, onProgress })),
  ]);
  const context = { findings: report.results, files: report.summary.files, checkedFiles: [], rules: [], fingerprint: () => '', baseFolder: process.cwd(), toolVersion: '' };
  return { exitCode: exitCodeFor(report.summary.errors, 0), stdout: formatter.render(context, { color: options.color }), stderr: '', files: [] };
}
