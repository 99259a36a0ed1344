// `edgewise diff A B`: compares two manifests by meaning and reports the changes and what the
// runtime will do with them, as text, json, an RFC 6902 patch or markdown. Returns a
// CommandResult; never prints or exits.
// Exit codes: 0, or with `exitCode` 0 for no differences and 1 for differences (like diff(1) and
// `git diff --exit-code`); usage errors throw InputError (exit 2).
import { InputError } from '../errors.js';
import type { LayerRef } from '../merge/layer-args.js';
import type { CommandResult } from '../report/command-result.js';
import { diffManifests } from './diff-manifests.js';
import { formatDiffJson } from './json-format.js';
import { loadSide } from './load-side.js';
import { formatDiffMarkdown } from './markdown-format.js';
import { formatDiffPatch } from './patch-format.js';
import { formatDiffText } from './text-format.js';

export const DIFF_FORMATS = ['text', 'json', 'patch', 'markdown'] as const;
export type DiffFormat = (typeof DIFF_FORMATS)[number];

export interface DiffOptions {
  /** Default "text". */
  format?: DiffFormat;
  /** ANSI colour in the text format; pass wantsColor(process.stdout, process.env). */
  color?: boolean;
  /** Show secret values instead of masking them (every format). */
  showSecrets?: boolean;
  /** Exit 1 when there are differences (0 when none). */
  exitCode?: boolean;
  /** Layered deployments merged onto A before comparing. */
  layersA?: LayerRef[];
  /** Layered deployments merged onto B before comparing (diff A A --layers-b L shows what L does). */
  layersB?: LayerRef[];
  /** Names shown instead of the paths (git's external diff passes temporary files). */
  labelA?: string;
  labelB?: string;
  /** Reads stdin for a "-" path (tests). */
  readStdin?: () => string;
}

export async function runDiff(pathA: string, pathB: string, options: DiffOptions = {}): Promise<CommandResult> {
  const format = options.format ?? 'text';
  if (!(DIFF_FORMATS as readonly string[]).includes(format)) throw new InputError(`unknown format "${format}"; use one of ${DIFF_FORMATS.join(', ')}`);
  if (pathA === '-' && pathB === '-') throw new InputError('only one side can be read from stdin (-)');
  const [a, b] = await Promise.all([loadSide(pathA, options.layersA ?? [], options.readStdin), loadSide(pathB, options.layersB ?? [], options.readStdin)]);
  const diff = await diffManifests({ file: options.labelA ?? a.file, value: a.value }, { file: options.labelB ?? b.file, value: b.value });
  const showSecrets = options.showSecrets ?? false;
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  for (const warning of [...a.warnings, ...b.warnings]) result.stderr += `edgewise diff: warning: ${warning}\n`;
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
