// The worker-thread side of run-in-parallel.ts: runs the slice the pool sent and posts the
// result back. Each worker entry (lint-worker.ts, validate-worker.ts) is one call of this.
import { parentPort, workerData } from 'node:worker_threads';
import type { InputRef } from '../manifest/read-inputs.js';
import type { Slice } from './run-in-parallel.js';

export async function serveSlice<Options, Result>(run: (refs: readonly InputRef[], options: Options) => Promise<Result>): Promise<void> {
  const slice = workerData as Slice<Options>;
  parentPort!.postMessage(await run(slice.refs, slice.options));
}
