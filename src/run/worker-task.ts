// A validate or lint run's work as one thread sees it (the main thread or a worker): plain data
// in, plain data out, so it crosses the thread boundary by structured clone. The thread takes
// batches of the inputs as the run hands them out until none is left, so a thread that gets
// less of a busy machine's time simply takes fewer batches.
import type { LintedBatch, LintRunOptions, LintSessionSummary } from '../lint/lint-inputs.js';
import type { InputRef } from '../manifest/read-inputs.js';
import { validateInputs, type ValidationReport } from '../validate/validate-inputs.js';
import type { ValidateOptions } from '../validate/validate-source.js';

export type ValidateTask = { kind: 'validate'; refs: InputRef[]; options: ValidateOptions };
export type LintTask = { kind: 'lint'; refs: InputRef[]; options: LintRunOptions };
export type WorkerTask = ValidateTask | LintTask;

/** What one batch gives. */
export type BatchOf<T extends WorkerTask> = T extends { kind: 'validate' } ? ValidationReport : LintedBatch;

/** What a thread knows once all its batches are done (lint: the config files it used). */
export type SummaryOf<T extends WorkerTask> = T extends { kind: 'validate' } ? undefined : LintSessionSummary;

export interface ThreadResult<T extends WorkerTask> {
  /** The batches this thread took, by their index in the run. */
  batches: { index: number; result: BatchOf<T> }[];
  summary: SummaryOf<T>;
}

interface BatchRunner<T extends WorkerTask> {
  run(refs: InputRef[], firstIndex: number): Promise<BatchOf<T>>;
  summary(): SummaryOf<T>;
}

async function runnerFor<T extends WorkerTask>(task: T): Promise<BatchRunner<T>> {
  if (task.kind === 'validate') {
    const options = task.options;
    return { run: async (refs) => (await validateInputs(refs, options)) as BatchOf<T>, summary: () => undefined as SummaryOf<T> };
  }
  // Loaded only for lint: validate's start-up never pays for the rules.
  const { LintSession } = await import('../lint/lint-inputs.js');
  const session = new LintSession(task.options as LintRunOptions);
  return { run: async (refs, firstIndex) => (await session.lint(refs, firstIndex)) as BatchOf<T>, summary: () => session.summary() as SummaryOf<T> };
}

/** Runs the batches `claim` hands out (batch indexes; one past the last means done), `batchSize` inputs each; `batchDone` hears of each finished batch's inputs. */
export async function runBatches<T extends WorkerTask>(task: T, batchSize: number, claim: () => number, batchDone?: (inputs: number) => void): Promise<ThreadResult<T>> {
  const runner = await runnerFor(task);
  const batches: ThreadResult<T>['batches'] = [];
  for (let index = claim(); index * batchSize < task.refs.length; index = claim()) {
    const first = index * batchSize;
    const refs = task.refs.slice(first, first + batchSize);
    batches.push({ index, result: await runner.run(refs, first) });
    batchDone?.(refs.length);
  }
  return { batches, summary: runner.summary() };
}
