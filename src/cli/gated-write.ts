// The output of patch and merge: the result to stdout or --output when it lints without errors,
// else exit 1 and the errors, in the result's positions.
import type { ResultCheck } from '../lint/lint-before-write.js';
import { countFindings } from '../findings-cap.js';
import { formatStylish } from '../report/stylish-format.js';
import { emptyResult, type CommandResult } from './command-result.js';

export function gatedWrite(command: string, result: { text: string; check: ResultCheck }, options: { output?: string; color?: boolean }): CommandResult {
  const { check } = result;
  const written = emptyResult();
  if (!check.ok) {
    const count = countFindings(1, check.errors).errors;
    written.exitCode = 1;
    written.stderr =
      `edgewise ${command}: refused to write ${options.output ?? 'stdout'}: the result has ${count} lint error${count === 1 ? '' : 's'} ` +
      `(positions are in the result, which was not written). Fix them, or run edgewise lint on the inputs:\n` +
      formatStylish(check.errors, 1, { color: options.color ?? false });
    return written;
  }
  if (options.output) written.files.push({ path: options.output, text: result.text });
  else written.stdout = result.text;
  if (check.warnings > 0) written.stderr = `edgewise ${command}: the result has ${check.warnings} lint warning${check.warnings === 1 ? '' : 's'}; run edgewise lint on it to see them\n`;
  return written;
}
