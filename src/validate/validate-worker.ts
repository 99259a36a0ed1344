// Worker-thread entry: validates its slice of files and posts the report back.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerRequest } from './validate-in-parallel.js';
import { validateInputs } from './validate-inputs.js';

const request = workerData as WorkerRequest;
parentPort!.postMessage(await validateInputs(request.refs, request.options));
