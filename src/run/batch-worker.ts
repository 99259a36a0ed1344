// Worker-thread entry of run-in-parallel.ts: takes batches of the task from the shared counter
// until none is left, and posts what it did back.
import { parentPort, workerData } from 'node:worker_threads';
import { addsTo } from './run-progress.js';
import { claimFrom, crossingError, type SharedWork, type WorkerMessage } from './shared-work.js';
import { runBatches, type WorkerTask } from './worker-task.js';

const { task, batchSize, counter, progress } = workerData as SharedWork<WorkerTask>;
try {
  const done: WorkerMessage<WorkerTask> = { ok: true, result: await runBatches(task, batchSize, claimFrom(counter), progress && addsTo(progress)) };
  parentPort!.postMessage(done);
} catch (error) {
  const crossing = crossingError(error);
  if (!crossing) throw error;
  parentPort!.postMessage(crossing);
}
