// Drain after a long outage (issue 16): publishers send at a fixed rate for the whole outage (60 s
// in a full run) into every peer's open instance at once (the fill is not what is measured, and a
// fixed rate far below each peer's ceiling leaves them idle most of the time), then each instance's
// outage ends in turn, alone on the machine, and its drain is timed: from the restore until the
// upstream side holds the last message (the emulator's enqueued time for the hub, the arrival at
// the upstream broker's subscriber for mosquitto).
import path from 'node:path';
import { loadAverage } from './machine.mjs';
import { PACED_PUBLISHER, runPublisher } from './processes.mjs';

let jobs = 0;

/** A paced publisher job on an instance (see paced-publisher.mjs). */
export function pacedJob(instance, { publishers, rate, size, tag, durationMs }) {
  return { url: instance.url, ca: instance.ca, size, rate, durationMs, tag, clients: instance.clients(publishers) };
}

export function pacedJobFile(tempRoot) {
  return path.join(tempRoot, `paced-${process.pid}-${jobs++}.json`);
}

/**
 * The outage: one paced publisher per instance, all at once, for `durationMs`. Resolves with each
 * instance's publisher report, in the order given; a report with an error (a lost connection, a
 * message without its PUBACK, or a publisher that crashed) fails that instance's sample.
 */
export async function fillDuringOutage(entries, { durationMs, rate, publishers, size }, tempRoot) {
  const settled = await Promise.allSettled(entries.map(({ instance, tag }) => runPublisher(pacedJob(instance, { publishers, rate, size, tag, durationMs }), pacedJobFile(tempRoot), () => {}, PACED_PUBLISHER)));
  return settled.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value : { error: outcome.reason.message }));
}

/** One instance's drain after the outage: times from the restore, and the rate over the whole drain. */
export async function drainAfterOutage(instance, { tag, report }) {
  if (report.error) throw new Error(`the outage's publisher: ${report.error}`);
  const loadBefore = loadAverage().one;
  const drained = await instance.drain({ tag, expected: report.acked, quietMs: 5_000 });
  const queued = report.acked;
  return {
    queued,
    received: drained.keys.size,
    complete: drained.complete,
    firstMs: drained.firstMs,
    lastMs: drained.lastMs,
    /** Messages per second from the restore until the last one was upstream. */
    drainRate: drained.complete ? (queued / drained.lastMs) * 1000 : NaN,
    /** Messages per second from the first to the last arrival: the transfer alone. */
    transferRate: drained.complete && drained.lastMs > drained.firstMs ? (queued / (drained.lastMs - drained.firstMs)) * 1000 : NaN,
    publisherLagMs: report.maxLagMs,
    load: [loadBefore, loadAverage().one],
  };
}
