// A slice of a validate or lint run that can run on the main thread or in a worker thread:
// plain data in, plain data out, so it crosses the thread boundary by structured clone.
import type { LintBatchResult, LintRunOptions } from '../lint/lint-inputs.js';
import type { InputRef } from '../manifest/read-inputs.js';
import { validateInputs, type ValidationReport } from '../validate/validate-inputs.js';
import type { ValidateOptions } from '../validate/validate-source.js';

export type WorkerTask = { kind: 'validate'; refs: InputRef[]; options: ValidateOptions } | { kind: 'lint'; refs: InputRef[]; options: LintRunOptions };

export type TaskResult<T extends WorkerTask> = T extends { kind: 'validate' } ? ValidationReport : LintBatchResult;

export async function runTask<T extends WorkerTask>(task: T): Promise<TaskResult<T>> {
  if (task.kind === 'validate') return (await validateInputs(task.refs, task.options)) as TaskResult<T>;
  // Loaded only for lint: validate's start-up never pays for the rules.
  const { lintInputs } = await import('../lint/lint-inputs.js');
  return (await lintInputs(task.refs, task.options as LintRunOptions)) as TaskResult<T>;
}
