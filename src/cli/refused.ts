// A command whose output the write gate refused: nothing is written, exit 1, and the one
// refusal text (report/write-refusal-format.ts) on stderr.
import type { WriteRefusal } from '../lint/write-gate.js';
import { renderOutput } from '../report/formatters.js';
import type { CommandResult } from './command-result.js';

export async function refused(refusal: WriteRefusal, stderr = ''): Promise<CommandResult> {
  return { exitCode: 1, stdout: '', stderr: stderr + (await renderOutput('write-refusal', 'text', refusal, { color: false })), files: [] };
}
