// `edgewise gen --check`: whether the manifest on disk is the one gen would write now, so a
// pre-commit hook or CI can refuse a template change committed without its generated manifest.
// Reads through the guarded loader and never writes.
import { existsSync } from 'node:fs';
import { InputError } from '../errors.js';
import { readInput } from '../manifest/read-inputs.js';

export type OutputFreshness = 'up-to-date' | 'stale' | 'missing';

/**
 * @param path where gen writes the output
 * @param generated the text gen generated from the template now
 * @param shown the output as the user named it, for messages
 */
export function outputFreshness(path: string, generated: string, shown: string): OutputFreshness {
  if (!existsSync(path)) return 'missing';
  const read = readInput({ file: path, explicit: true });
  if (!read.ok) throw new InputError(`${shown}: ${read.message}`);
  // A checkout with core.autocrlf holds CRLF line ends: the same manifest, as git sees it.
  return read.text.replace(/\r\n/g, '\n') === generated ? 'up-to-date' : 'stale';
}
