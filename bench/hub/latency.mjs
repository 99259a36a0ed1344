// End-to-end latency online (issue 16): the upstream connected, publishers at a fixed rate, each
// message timed from its publish call (the stamp in its body) to its arrival upstream: the
// emulator's enqueued time for the hub (whole milliseconds, the emulator's clock: the same
// machine), the arrival at the upstream broker's subscriber for mosquitto (edge → bridge →
// upstream → subscriber: one hop more than the hub's figure). The PUBACK time of the same
// messages is reported beside it (ingest latency online).
import { percentiles } from '../common/stats.mjs';
import { loadAverage } from './machine.mjs';
import { pacedJob, pacedJobFile } from './outage.mjs';
import { PACED_PUBLISHER, runPublisher } from './processes.mjs';

async function pacedRun(instance, config, tempRoot) {
  const report = await runPublisher(pacedJob(instance, config), pacedJobFile(tempRoot), () => {}, PACED_PUBLISHER);
  if (report.error) throw new Error(`the paced publisher: ${report.error}`);
  return report;
}

/**
 * On an open instance: online, a short unmeasured paced run (connections upstream made, code
 * warm), then `durationMs` at `rate` messages/s.
 */
export async function onlineLatency(instance, { durationMs, warmUpMs, rate, publishers, size, tag }, tempRoot) {
  await instance.online();
  const warm = await pacedRun(instance, { publishers, rate, size, tag: `${tag}w`, durationMs: warmUpMs }, tempRoot);
  await instance.arrivals({ tag: `${tag}w`, expected: warm.acked });
  const loadBefore = loadAverage().one;
  const report = await pacedRun(instance, { publishers, rate, size, tag, durationMs }, tempRoot);
  const arrivals = await instance.arrivals({ tag, expected: report.acked });
  const endToEnd = [...arrivals.values()].map((a) => a.arrivedAtMs - a.sentAtMs);
  return {
    sent: report.sent,
    received: arrivals.size,
    endToEnd: percentiles(endToEnd),
    puback: percentiles(report.ackMs),
    publisherLagMs: report.maxLagMs,
    load: [loadBefore, loadAverage().one],
  };
}
