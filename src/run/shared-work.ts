// What the main thread and its workers share: the task, the run's next batch index (each thread
// takes the next one atomically, so batches go to whichever thread is free and none waits on
// another's slower share), and what a worker posts back, a thread's result or the user's error.
import { InputError, ManifestError, type ErrorPlace } from '../errors.js';
import type { ThreadResult, WorkerTask } from './worker-task.js';

/** What a worker thread is started with. */
export interface SharedWork<T extends WorkerTask> {
  task: T;
  batchSize: number;
  /** One Int32: the index of the next batch to take. */
  counter: SharedArrayBuffer;
  /** One Int32: inputs done by all threads (run-progress.ts); only when someone shows progress. */
  progress?: SharedArrayBuffer;
}

export function newCounter(): SharedArrayBuffer {
  return new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
}

/** Takes the next batch index (each index is handed out once, across all threads). */
export function claimFrom(counter: SharedArrayBuffer): () => number {
  const cell = new Int32Array(counter);
  return () => Atomics.add(cell, 0, 1);
}

/**
 * A thread boundary clones an error without its class, which decides how the CLI reports it
 * (a one-line message and exit 2, not an internal error): errors the user can cause cross as data.
 */
type CrossingError = { kind: 'input'; message: string; code: string } | { kind: 'manifest'; message: string; code: string; place?: ErrorPlace };

export type WorkerMessage<T extends WorkerTask> = { ok: true; result: ThreadResult<T> } | { ok: false; error: CrossingError };

/** The worker's message for an error; undefined for errors that are bugs (they cross as they are). */
export function crossingError(error: unknown): WorkerMessage<never> | undefined {
  if (error instanceof InputError) return { ok: false, error: { kind: 'input', message: error.message, code: error.code } };
  if (error instanceof ManifestError) return { ok: false, error: { kind: 'manifest', message: error.message, code: error.code, ...(error.place ? { place: error.place } : {}) } };
  return undefined;
}

export function errorFrom(error: CrossingError): InputError | ManifestError {
  return error.kind === 'input' ? new InputError(error.message, error.code) : new ManifestError(error.message, error.code, error.place);
}
