// `edgewise patch MANIFEST PATCH.json [--output FILE]`: writes the patched manifest only if it
// has no lint errors (else exit 1, and the errors say why).
import { patchFile, type PatchOptions } from '../../diff/patch-file.js';
import type { CommandResult } from '../command-result.js';
import { gatedWrite } from '../gated-write.js';

export async function runPatch(manifestPath: string, patchPath: string, options: PatchOptions & { output?: string; color?: boolean } = {}): Promise<CommandResult> {
  const patched = await patchFile(manifestPath, patchPath, options);
  return gatedWrite('patch', patched, options);
}
