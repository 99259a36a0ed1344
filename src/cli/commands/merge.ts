// `edgewise merge BASE LAYERED…`: writes the effective manifest only if it has no lint errors
// (else exit 1, and the errors say why); warnings about the layers go to stderr.
import { mergeFiles, type MergeOptions } from '../../merge/merge-files.js';
import type { LayerRef } from '../../merge/layer-args.js';
import type { CommandResult } from '../command-result.js';
import { gatedWrite } from '../gated-write.js';

export async function runMerge(basePath: string, layers: readonly LayerRef[], options: MergeOptions & { output?: string; color?: boolean } = {}): Promise<CommandResult> {
  const merged = await mergeFiles(basePath, layers, options);
  const result = await gatedWrite('merge', merged, options);
  return { ...result, stderr: merged.warnings.map((warning) => `edgewise merge: warning: ${warning}\n`).join('') + result.stderr };
}
