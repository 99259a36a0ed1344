// The I/O edge: turns command-line paths into input references, and reads them. Folders are
// walked for *.json, *.yaml and *.yml files (later filtered to manifests); `-` is stdin.
import { readdirSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { InputError } from '../errors.js';
import { limitText, readRegularFile, readStandardInput } from './bounded-read.js';

/** Larger inputs (files and stdin) are refused: real deployments are far smaller (IoT Hub caps each twin at 32 KB). */
export const MAX_FILE_BYTES = 8 * 1024 * 1024;

export const STDIN_NAME = '<stdin>';

const MANIFEST_EXTENSION = /\.(json|ya?ml)$/i;
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export interface InputRef {
  file: string;
  /** Named on the command line (or stdin), rather than found in a folder. */
  explicit: boolean;
}

export type InputRead = { ok: true; text: string } | { ok: false; message: string };

/**
 * The paths held no manifest (an empty folder, a folder of other JSON): exit 2 with this line,
 * as ESLint does when no file matches, rather than a clean "0 files checked" that hides a typo.
 */
export class NoManifestsError extends InputError {
  override name = 'NoManifestsError';

  constructor(paths: readonly string[]) {
    const folders = paths.map((path) => (path === '-' || path.endsWith('/') || path.endsWith(sep) ? path : `${path}/`));
    super(`no manifests found under ${folders.join(', ')}; check the path or pass files explicitly`, 'no-manifests');
  }
}

export function collectInputs(paths: readonly string[]): InputRef[] {
  const refs: InputRef[] = [];
  for (const path of paths) {
    if (path === '-') {
      refs.push({ file: STDIN_NAME, explicit: true });
      continue;
    }
    let isFolder: boolean;
    try {
      isFolder = statSync(path).isDirectory();
    } catch {
      throw new InputError(`${path}: no such file or folder; check the path`);
    }
    if (isFolder) for (const file of walk(path)) refs.push({ file, explicit: false });
    else refs.push({ file: path, explicit: true });
  }
  return refs;
}

/**
 * The one way a manifest's text is read: a regular file, or stdin for "-", never past
 * MAX_FILE_BYTES. Anything else (a folder, a FIFO, a device) is refused before a byte is read.
 * `readStdin` stands in for stdin (tests); its text is held to the same limit.
 */
export function readInput(ref: InputRef, readStdin?: () => string): InputRead {
  if (ref.file === STDIN_NAME) return readStdin ? limitText(readStdin(), MAX_FILE_BYTES, 'stdin') : readStandardInput(MAX_FILE_BYTES);
  return readRegularFile(ref.file, MAX_FILE_BYTES);
}

function* walk(folder: string): Generator<string> {
  const entries = readdirSync(folder, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED_FOLDERS.has(entry.name)) yield* walk(path);
    } else if (entry.isFile() && MANIFEST_EXTENSION.test(entry.name)) {
      yield path;
    }
  }
}
