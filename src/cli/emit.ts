// Writes what a command produced: its files, stdout, stderr, and its exit code.
import { maskSecretShapes } from '../manifest/mask-secrets.js';
import type { CommandResult } from './command-result.js';
import { checkWritablePaths, writeOutputFile } from './output-paths.js';

export function emit(result: CommandResult): void {
  // All paths are checked before the first is written, so a refusal leaves no file half done.
  checkWritablePaths(result.files.map((file) => file.path));
  for (const file of result.files) writeOutputFile(file.path, file.text, file.modeOf);
  process.stdout.write(result.stdout);
  // A last net for diagnostics (never stdout, which may be a manifest): connection-string keys.
  process.stderr.write(result.stderr === '' ? '' : maskSecretShapes(result.stderr));
  process.exitCode = result.exitCode;
}
