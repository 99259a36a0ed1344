// `edgewise diff A B`: the changes and what the runtime will do with them, as text, json, an
// RFC 6902 patch or markdown. Exit codes: 0, or with `exitCode` 0 for no differences and 1 for
// differences (like diff(1) and `git diff --exit-code`); usage errors throw InputError (exit 2).
import { InputError } from '../../errors.js';
import { diffFiles, type DiffFilesOptions } from '../../diff/diff-files.js';
import { formatDiffJson } from '../../diff/json-format.js';
import { formatDiffMarkdown } from '../../diff/markdown-format.js';
import { formatDiffPatch } from '../../diff/patch-format.js';
import { formatDiffText } from '../../diff/text-format.js';
import { emptyResult, type CommandResult } from '../command-result.js';

export const DIFF_FORMATS = ['text', 'json', 'patch', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions extends DiffFilesOptions {
  /** Default "text". */
  format?: DiffFormat;
  /** ANSI colour in the text format. */
  color?: boolean;
  /** Show secret values instead of masking them (every format). */
  showSecrets?: boolean;
  /** Exit 1 when there are differences (0 when none). */
  exitCode?: boolean;
}

export async function runDiff(pathA: string, pathB: string, options: DiffOptions = {}): Promise<CommandResult> {
  const format = options.format ?? 'text';
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) throw new InputError(`unknown format "${format}"; use one of ${DIFF_FORMATS.join(', ')}`);
  const { diff, warnings } = await diffFiles(pathA, pathB, options);
  const showSecrets = options.showSecrets ?? false;
  const result = emptyResult();
  for (const warning of warnings) result.stderr += `edgewise diff: warning: ${warning}\n`;
  switch (format) {
    case 'json':
      result.stdout = formatDiffJson(diff, { showSecrets });
      break;
    case 'markdown':
      result.stdout = formatDiffMarkdown(diff, { showSecrets });
      break;
    case 'patch': {
      const patch = await diff.patch();
      const formatted = formatDiffPatch(patch, diff.secrets, showSecrets);
      result.stdout = formatted.text;
      if (formatted.masked) result.stderr += 'edgewise diff: secret values in this patch are masked as "****"; applying it would write "****". Pass --show-secrets for a patch you can apply\n';
      if (patch.fallback === 'document') result.stderr += `edgewise diff: the patch rewrites ${diff.a.file} as a whole (it is empty or not a manifest, or its layout could not be kept)\n`;
      break;
    }
    default:
      result.stdout = formatDiffText(diff, { color: options.color ?? false, showSecrets });
  }
  if (options.exitCode && diff.changes.length > 0) result.exitCode = 1;
  return result;
}
