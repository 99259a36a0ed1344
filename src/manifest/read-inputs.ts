// The I/O edge: turns command-line paths into input references, and reads them. Folders are
// walked for *.json, *.yaml and *.yml files (later filtered to manifests); `-` is stdin.
import { closeSync, fstatSync, openSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { UsageError } from '../report/usage-error.js';

/** Larger files are refused: real deployments are far smaller (IoT Hub caps each twin at 32 KB). */
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

/** A path the user named does not exist: a usage error (exit 2), not a finding. */
export class InputError extends UsageError {
  override name = 'InputError';
}

/**
 * The paths held no manifest (an empty folder, a folder of other JSON): exit 2 with this line,
 * as ESLint does when no file matches, rather than a clean "0 files checked" that hides a typo.
 */
export class NoManifestsError extends InputError {
  override name = 'NoManifestsError';

  constructor(paths: readonly string[]) {
    const folders = paths.map((path) => (path === '-' || path.endsWith('/') || path.endsWith(sep) ? path : `${path}/`));
    super(`no manifests found under ${folders.join(', ')}; check the path or pass files explicitly`);
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

export function readInput(ref: InputRef, readStdin: () => string = () => readFileSync(0, 'utf8')): InputRead {
  if (ref.file === STDIN_NAME) return { ok: true, text: readStdin() };
  let descriptor: number | undefined;
  try {
    // One open, then size and content from the same descriptor: no second path lookup.
    descriptor = openSync(ref.file, 'r');
    const size = fstatSync(descriptor).size;
    if (size > MAX_FILE_BYTES) {
      return { ok: false, message: `the file is ${size} bytes, over the ${MAX_FILE_BYTES}-byte limit for a manifest; check that this is the right file` };
    }
    return { ok: true, text: readFileSync(descriptor, 'utf8') };
  } catch (error) {
    return { ok: false, message: `cannot read the file (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check its permissions` };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
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
