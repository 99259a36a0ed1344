// A command that works on one manifest (offline enable and plan, convert) fails with exit 1 and
// one line naming the place when the library refuses the manifest itself (it does not parse, or
// cannot be edited safely): `edgewise: file:line:column  message`, as editors link it.
import { ManifestError } from '../errors.js';
import type { CommandResult } from './command-result.js';

/** Runs the command; a ManifestError with one of `codes` becomes exit 1 with its place. */
export async function failOnManifestErrors(codes: readonly string[], run: () => Promise<CommandResult>): Promise<CommandResult> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ManifestError) || !codes.includes(error.code)) throw error;
    const place = error.place;
    const where = place === undefined ? '' : place.line === undefined ? `${place.file}: ` : `${place.file}:${place.line}:${place.column ?? 1}  `;
    return { exitCode: 1, stdout: '', stderr: `edgewise: ${where}${error.message}\n`, files: [] };
  }
}
