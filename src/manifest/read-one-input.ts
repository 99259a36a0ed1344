// Reads the single manifest a command works on (convert, offline, diff, patch, merge): a file
// path, or "-" for stdin. A folder or an unreadable file is a usage error (exit 2).
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { collectInputs, readInput, STDIN_NAME } from './read-inputs.js';
import { InputError } from '../errors.js';

export interface OneInput {
  /** Display name: the path as given, or "<stdin>". */
  file: string;
  text: string;
}

export function readOneInput(path: string, cwd: string, readStdin?: () => string): OneInput {
  if (path === '-') {
    const read = readInput({ file: STDIN_NAME, explicit: true }, readStdin);
    if (!read.ok) throw new InputError(`${STDIN_NAME}: ${read.message}`);
    return { file: STDIN_NAME, text: read.text };
  }
  const resolved = isAbsolute(path) ? path : join(cwd, path);
  if (!existsSync(resolved)) throw new InputError(`${path}: no such file; check the path`); // named as the user wrote it
  const refs = collectInputs([resolved]);
  const [ref] = refs;
  if (refs.length !== 1 || !ref!.explicit) throw new InputError(`${path} is a folder; name one manifest file`);
  const read = readInput(ref!);
  if (!read.ok) throw new InputError(`${path}: ${read.message}`);
  return { file: path, text: read.text };
}
