// `edgewise merge BASE LAYERED…`: writes the effective manifest only if it has no lint errors
// (else exit 1, and the errors say why); warnings about the layers go to stderr.
import { mergeFiles, type MergeOptions } from '../../merge/merge-files.js';
import type { LayerRef } from '../../merge/layer-args.js';
import type { CommandResult } from '../command-result.js';
import { refused } from '../refused.js';

export async function runMerge(basePath: string, layers: readonly LayerRef[], options: MergeOptions = {}): Promise<CommandResult> {
  const merged = await mergeFiles(basePath, layers, options);
  const warned = merged.warnings.map((warning) => `edgewise merge: warning: ${warning}\n`).join('');
  if (merged.refusal) return refused(merged.refusal, warned);
  const { warnings } = merged.check;
  return {
    exitCode: 0,
    stdout: options.output ? '' : merged.text,
    stderr: warned + (warnings > 0 ? `edgewise merge: the result has ${warnings} lint warning${warnings === 1 ? '' : 's'}; run edgewise lint on it to see them\n` : ''),
    files: options.output ? [{ path: options.output, text: merged.text, modeOf: basePath }] : [],
  };
}
