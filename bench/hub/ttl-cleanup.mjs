// TTL cleanup under load (issue 16): ingest latency while the hub's expiry cleanup deletes a
// million expired messages, against the same rate on the same hub just before the pass begins.
//
// Once per section a template is made: a hub (hub-process.mjs, so the cleanup interval can be
// short) does its first scope sync, is cut and stopped, and its store is filled with `count`
// expired messages (ttl-fill.mjs). Each sample copies that folder, starts a hub on the copy (it
// starts cut, so nothing drains and only the cleanup removes entries) and publishes at a fixed
// rate; `hub status` is polled for the expired counter, which moves only while the pass commits
// its deletions. Windows: "before" runs from `warmUpMs` after the first publish to the last poll
// that saw no deletion; "during" from there to the first poll that saw all `count` deleted.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { percentiles } from '../common/stats.mjs';
import { loadAverage } from './machine.mjs';
import { pacedJob, pacedJobFile } from './outage.mjs';
import { PACED_PUBLISHER, sleep, startPublisher } from './processes.mjs';

const FILL = fileURLToPath(new URL('./ttl-fill.mjs', import.meta.url));
const POLL_MS = 200;
/** How long a pass may take at most before the sample is given up. */
const PASS_LIMIT_MS = 600_000;

/** The stopped hub's folder whose store holds `count` expired messages. */
export async function prepareExpiredTemplate(peer, { build, count, size }, log) {
  const instance = await peer.open();
  await instance.stop();
  const fill = spawnSync(process.execPath, [FILL, JSON.stringify({ dist: path.join(build, 'dist'), folder: path.join(instance.folder, 'storage'), count, size })], { encoding: 'utf8' });
  if (fill.status !== 0) throw new Error(`ttl-fill failed: ${(fill.stderr || fill.stdout).trim().split('\n').slice(-3).join(' ')}`);
  const { ms } = JSON.parse(fill.stdout.trim().split('\n').pop());
  log(`ttl: ${count.toLocaleString('en-US')} expired messages written to the template store in ${(ms / 1000).toFixed(1)} s`);
  return instance.folder;
}

/** PUBACK times of the messages sent in [from, to) (every one has its PUBACK: the publisher reports an error otherwise). */
function windowOf(sentAt, ackMs, from, to) {
  const inside = [];
  for (let i = 0; i < sentAt.length; i++) if (sentAt[i] >= from && sentAt[i] < to) inside.push(ackMs[i]);
  return { ...percentiles(inside), seconds: (to - from) / 1000 };
}

/** One sample on a copy of `template`. */
export async function cleanupUnderLoad(peer, template, { count, rate, publishers, size, tag, warmUpMs, cleanupIntervalMs }, tempRoot) {
  const folder = fs.mkdtempSync(path.join(tempRoot, 'ttl-'));
  fs.cpSync(template, folder, { recursive: true });
  const instance = await peer.open({ folder });
  const loadBefore = loadAverage().one;
  const polls = [];
  let publisher;
  try {
    publisher = startPublisher(pacedJob(instance, { publishers, rate, size, tag }), pacedJobFile(tempRoot), { script: PACED_PUBLISHER });
    const firstPublishAt = Date.now();
    const deadline = { start: firstPublishAt + cleanupIntervalMs + 60_000, end: firstPublishAt + PASS_LIMIT_MS };
    for (;;) {
      const { counters } = await instance.status();
      const now = Date.now();
      polls.push({ at: now, expired: counters.expired });
      if (counters.expired >= count) break;
      if (counters.expired === 0 && now > deadline.start) throw new Error(`no expiry cleanup pass began within ${(cleanupIntervalMs + 60_000) / 1000} s`);
      if (now > deadline.end) throw new Error(`the cleanup pass deleted ${counters.expired} of ${count} in ${PASS_LIMIT_MS / 1000} s`);
      await sleep(POLL_MS);
    }
    await sleep(1_000);
    publisher.stop();
    const report = await publisher.done;
    publisher = undefined;
    if (report.error) throw new Error(`the paced publisher: ${report.error}`);
    const passStart = polls.filter((p) => p.expired === 0).at(-1)?.at ?? polls[0].at;
    const passEnd = polls.at(-1).at;
    const measuredFrom = report.sentAt[0] + warmUpMs;
    if (passStart - measuredFrom < 1_000) throw new Error(`the cleanup pass began ${((passStart - report.sentAt[0]) / 1000).toFixed(1)} s after the first publish, before the window without it; give the hub a longer --ttl-interval`);
    return {
      removed: polls.at(-1).expired,
      passMs: passEnd - passStart,
      before: windowOf(report.sentAt, report.ackMs, measuredFrom, passStart),
      during: windowOf(report.sentAt, report.ackMs, passStart, passEnd),
      sent: report.sent,
      publisherLagMs: report.maxLagMs,
      load: [loadBefore, loadAverage().one],
    };
  } finally {
    if (publisher) {
      publisher.stop();
      await publisher.done.catch(() => {});
    }
    await instance.close();
  }
}
