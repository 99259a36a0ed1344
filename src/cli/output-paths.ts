// Where a command may write its output. Checked before anything is written, so a bad path costs
// no file: an output that is one of the command's inputs would replace the manifest with the
// result (`lint -f json -o m.json m.json`), and a folder, or a path under a regular file, cannot
// be written at all. Each refusal is one line and exit 2 (a usage error), never an internal error.
import { mkdirSync, statSync, type Stats } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { collectInputs, readInput } from '../manifest/read-inputs.js';
import { writeFileAtomic } from '../manifest/write-file-atomic.js';
import { InputError } from '../errors.js';

/**
 * Outputs named with -o must not be an input: a file named on the command line, or a manifest the
 * command finds in a folder it was given. A file found in a folder that is not a manifest (last
 * run's JSON report) is not an input, so writing the report over it again is fine.
 */
export async function refuseOutputsOverInputs(outputs: readonly (string | undefined)[], inputPaths: readonly string[]): Promise<void> {
  const named = outputs.filter((output): output is string => output !== undefined && output !== '-');
  if (named.length === 0) return;
  // A missing input is the command's own error to report, in its own words.
  const inputs = collectInputs(inputPaths.filter((path) => path !== '-' && statOf(path) !== undefined));
  for (const output of named) {
    const written = statOf(output);
    if (!written?.isFile()) continue; // a new file cannot be an input
    for (const input of inputs) {
      const read = statOf(input.file);
      if (!read || read.dev !== written.dev || read.ino !== written.ino) continue;
      if (!input.explicit && !(await isManifestFile(input.file))) continue;
      const same = resolve(output) === resolve(input.file) ? `is the input ${input.file}` : `is the same file as the input ${input.file}`;
      throw new InputError(`--output ${output} ${same}; writing there would replace it with the result. Name another file`);
    }
  }
}

/** Whether the walk of a folder would check this file, as lint and validate decide it. */
async function isManifestFile(file: string): Promise<boolean> {
  const read = readInput({ file, explicit: false });
  if (!read.ok) return false;
  const [{ parseSource }, { isManifestCandidate, locateModulesContent }] = await Promise.all([import('../manifest/parse-source.js'), import('../manifest/manifest-shape.js')]);
  const parsed = await parseSource({ file, text: read.text });
  return isManifestCandidate(read.text, parsed.ok ? { located: locateModulesContent(parsed.source.value) } : undefined);
}

/** Every path can be written as a file: not a folder, and no regular file where a folder must be. */
export function checkWritablePaths(paths: readonly string[]): void {
  for (const path of paths) {
    if (statOf(path)?.isDirectory()) throw new InputError(`cannot write ${path}: it is a folder; name a file inside it`);
    const blocking = fileInPlaceOfFolder(path);
    if (blocking !== undefined) throw new InputError(`cannot write ${path}: ${blocking} is a file, not a folder; choose another path`);
  }
}

/**
 * Whole or not at all (write-file-atomic.ts): a run killed mid-write leaves the old file. A new
 * file made from one input (`modeOf`) is no more open than it: an owner-only manifest's secrets
 * stay owner-only in the result.
 */
export function writeOutputFile(path: string, text: string, modeOf?: string): void {
  try {
    mkdirSync(dirname(path), { recursive: true });
    writeFileAtomic(path, text, { newFileMode: newFileModeAfter(modeOf) });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`cannot write ${path} (${code}); check the path and the permissions of the file and of its folder`);
  }
}

/** The input's read and write bits for group and others, the owner always reading and writing; undefined (the default) without one. */
function newFileModeAfter(input: string | undefined): number | undefined {
  const stats = input === undefined || input === '-' ? undefined : statOf(input);
  return stats?.isFile() ? 0o600 | (stats.mode & 0o066) : undefined;
}

/** The nearest existing ancestor folder of `path`, when it is not a folder. */
function fileInPlaceOfFolder(path: string): string | undefined {
  let folder = dirname(path);
  for (;;) {
    const stats = statOf(folder);
    if (stats) return stats.isDirectory() ? undefined : folder;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}
