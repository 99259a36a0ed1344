// `edgewise patch MANIFEST PATCH.json [--output FILE]`: writes the patched manifest only if it
// has no lint errors (else exit 1, and the errors say why).
import { patchFile, type PatchOptions } from '../../diff/patch-file.js';
import type { CommandResult } from '../command-result.js';
import { refused } from '../refused.js';

export async function runPatch(manifestPath: string, patchPath: string, options: PatchOptions = {}): Promise<CommandResult> {
  const patched = await patchFile(manifestPath, patchPath, options);
  if (patched.refusal) return refused(patched.refusal);
  const { warnings } = patched.check;
  return {
    exitCode: 0,
    stdout: options.output ? '' : patched.text,
    stderr: warnings > 0 ? `edgewise patch: the result has ${warnings} lint warning${warnings === 1 ? '' : 's'}; run edgewise lint on it to see them\n` : '',
    files: options.output ? [{ path: options.output, text: patched.text, modeOf: manifestPath }] : [],
  };
}
