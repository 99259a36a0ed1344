// The workloads, the same for every peer. A peer is { name, label, open() } where open() starts a
// fresh, empty broker that queues what it receives (mosquitto: for an offline durable subscriber;
// the edge hub: with its upstream cut) and returns an instance:
//   { pid, url, ca, folder, clients(n) → [{clientId, username?, password?, topic}],
//     drain({tag, expected, quietMs}) → {elapsedMs, firstMs, lastMs, keys: Set, complete}   the outage ends, the queue goes out
//     requeue()   the next outage begins (after a drain)
//     kill() (kill -9), restart() (same folder, after a kill), close() (stop, remove the folder) }
// Peers that forward upstream (the hubs, mosquitto with a bridge) also have
//     online()   the upstream connected, and arrivals({tag, expected}) → Map key → {arrivedAtMs, sentAtMs}
// (outage.mjs, latency.mjs; the hub's instances also stop() and status(), for ttl-cleanup.mjs).
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { loadAverage, memoryOf, residentMiB } from './machine.mjs';
import { runPublisher, sleep } from './processes.mjs';

/** Every publisher keeps up to WINDOW QoS 1 messages unacknowledged. */
export const WINDOW = 100;

let jobs = 0;
function jobFile(tempRoot) {
  return path.join(tempRoot, `publisher-${process.pid}-${jobs++}.json`);
}

function publishJob(instance, { publishers, perPublisher, size, tag, recordAcked = false, progressEvery = 0 }) {
  return { url: instance.url, ca: instance.ca, size, count: perPublisher, window: WINDOW, tag, clients: instance.clients(publishers), recordAcked, progressEvery };
}

function diskMiB(folder) {
  try {
    return Number(execFileSync('du', ['-sk', folder], { encoding: 'utf8' }).split('\t')[0]) / 1024;
  } catch {
    return NaN;
  }
}

/**
 * Ingest, on an open instance: publishers × perPublisher QoS 1 messages, timed from the first
 * publish to the last PUBACK; then the outage ends and the queue drains, timed until the
 * receiver holds all of them (the drain rate); then the next outage begins.
 */
export async function ingestAndDrain(instance, config, tempRoot) {
  const total = config.publishers * config.perPublisher;
  const loadBefore = loadAverage().one;
  const report = await runPublisher(publishJob(instance, config), jobFile(tempRoot));
  if (report.error) throw new Error(report.error);
  const ingestRate = (total / report.elapsedMs) * 1000;
  const rssMiB = residentMiB(instance.pid);
  const drained = await instance.drain({ tag: config.tag, expected: total });
  const loadAfter = loadAverage().one;
  await instance.requeue();
  return {
    ingestRate,
    drainRate: drained.complete ? (total / drained.elapsedMs) * 1000 : NaN,
    /** From the first message's arrival to the last one's: the transfer without the reconnect. */
    transferRate: drained.complete && drained.lastMs > drained.firstMs ? (total / (drained.lastMs - drained.firstMs)) * 1000 : NaN,
    drained: drained.keys.size,
    total,
    rssMiB,
    load: [loadBefore, loadAfter],
  };
}

/** Ingest alone, into something that delivers as it receives (the drain's receiver, for reference). */
export async function ingestOnly(instance, config, tempRoot) {
  const total = config.publishers * config.perPublisher;
  const loadBefore = loadAverage().one;
  const report = await runPublisher(publishJob(instance, config), jobFile(tempRoot));
  if (report.error) throw new Error(report.error);
  return { ingestRate: (total / report.elapsedMs) * 1000, total, load: [loadBefore, loadAverage().one] };
}

/**
 * Durability: publishers send until `killAfter` messages are acknowledged, then the broker gets
 * kill -9; it restarts on the same folder and the queue drains. Survivors are the acknowledged
 * messages that arrive; nothing acknowledged may be missing.
 */
export async function killAndCount(peer, config, tempRoot) {
  const instance = await peer.open();
  try {
    let killing;
    const job = publishJob(instance, { ...config, recordAcked: true, progressEvery: 500 });
    const report = await runPublisher(job, jobFile(tempRoot), (event) => {
      if (event.event === 'acked' && event.total >= config.killAfter && !killing) killing = instance.kill();
    });
    await killing;
    const acked = new Set(report.ackedSeqs.flatMap((seqs, client) => seqs.map((seq) => `${client}:${seq}`)));
    await instance.restart();
    const drained = await instance.drain({ tag: config.tag, expected: acked.size, quietMs: 5_000 });
    let survivors = 0;
    for (const key of acked) if (drained.keys.has(key)) survivors++;
    return { acked: acked.size, survivors, lost: acked.size - survivors, receivedUnacked: drained.keys.size - survivors, load: loadAverage().one };
  } finally {
    await instance.close();
  }
}

/** Memory with the queue at each level (messages queued, none delivered): VmRSS after a short settle. */
export async function residentWhileQueued(peer, { levels, publishers, size, tag }, tempRoot, log) {
  const instance = await peer.open();
  const rows = [];
  try {
    let queued = 0;
    for (const level of levels) {
      const perPublisher = Math.ceil((level - queued) / publishers);
      if (perPublisher > 0) {
        const report = await runPublisher(publishJob(instance, { publishers, perPublisher, size, tag: `${tag}-${level}` }), jobFile(tempRoot));
        if (report.error) throw new Error(report.error);
        queued += perPublisher * publishers;
      }
      await sleep(2_000);
      const memory = memoryOf(instance.pid);
      rows.push({ level, queued, rssMiB: memory.rss, anonMiB: memory.anon, fileMiB: memory.file, diskMiB: diskMiB(instance.folder), load: loadAverage().one });
      log(`${peer.name}: ${queued.toLocaleString('en-US')} queued, RSS ${memory.rss.toFixed(1)} MiB (anon ${memory.anon.toFixed(1)}, file ${memory.file.toFixed(1)})`);
    }
  } finally {
    await instance.close();
  }
  return rows;
}
