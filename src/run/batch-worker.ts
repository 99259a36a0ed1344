// Worker-thread entry of run-in-parallel.ts: runs its slice of the task and posts the result back.
import { parentPort, workerData } from 'node:worker_threads';
import { runTask, type WorkerTask } from './worker-task.js';

parentPort!.postMessage(await runTask(workerData as WorkerTask));
