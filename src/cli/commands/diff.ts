// `edgewise diff A B`: the changes and what the runtime will do with them, as text, json, an
// RFC 6902 patch or markdown. Exit codes: 0, or with `exitCode` 0 for no differences and 1 for
// differences (like diff(1) and `git diff --exit-code`); usage errors throw InputError (exit 2).
import { diffFiles, type DiffFilesOptions } from '../../diff/diff-files.js';
import { checkFormat, formatNames, loadFormatter } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';

export const DIFF_FORMATS = formatNames('diff');

export interface DiffOptions extends DiffFilesOptions {
  /** Default "text". */
  format?: string;
  /** ANSI colour in the text format. */
  color?: boolean;
  /** Show secret values instead of masking them (every format). */
  showSecrets?: boolean;
  /** Exit 1 when there are differences (0 when none). */
  exitCode?: boolean;
}

export async function runDiff(pathA: string, pathB: string, options: DiffOptions = {}): Promise<CommandResult> {
  const format = options.format ?? 'text';
  checkFormat('diff', format);
  const { diff, warnings } = await diffFiles(pathA, pathB, options);
  const showSecrets = options.showSecrets ?? false;
  const formatter = await loadFormatter('diff', format);
  const render = { color: options.color ?? false };
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  for (const warning of warnings) result.stderr += `edgewise diff: warning: ${warning}\n`;
  if (format === 'patch') {
    const patch = await diff.patch();
    result.stdout = formatter.render({ diff, showSecrets, patch }, render);
    if (!showSecrets && result.stdout !== formatter.render({ diff, showSecrets: true, patch }, render)) {
      result.stderr += 'edgewise diff: secret values in this patch are masked as "****"; applying it would write "****". Pass --show-secrets for a patch you can apply\n';
    }
    if (patch.fallback === 'document') result.stderr += `edgewise diff: the patch rewrites ${diff.a.file} as a whole (it is empty or not a manifest, or its layout could not be kept)\n`;
  } else {
    result.stdout = formatter.render({ diff, showSecrets }, render);
  }
  if (options.exitCode && diff.changes.length > 0) result.exitCode = 1;
  return result;
}
