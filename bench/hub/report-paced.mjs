// Markdown for the paced sections of bench/hub/run.mjs (issue 16): the drain after a long outage,
// end-to-end latency online, and ingest latency while the expiry cleanup runs. Cells are medians
// over the runs with min–max; a ratio is taken run by run against mosquitto's sample of the same run.
import { cell, decimal, integer, pairedRatios, summary } from '../common/stats.mjs';

const ms = (n) => decimal(n, 1);
const seconds = (n) => decimal(n / 1000, 2);
const times = (n) => `${decimal(n, 2)}×`;
const REFERENCE = 'mosquitto-bridge';

function loadRange(samples) {
  const s = summary(samples.flatMap((sample) => sample.load ?? []));
  return s ? `${decimal(s.min, 2)}–${decimal(s.max, 2)}` : 'n/a';
}

/** How far the paced publishers fell behind their schedule (timers on a busy machine): the pacing held if this is small. */
function lagNote(samples) {
  return `The paced publishers' largest delay against their schedule: ${cell(samples.map((s) => s.publisherLagMs), ms)} ms.`;
}

/** The peers with samples in `bySection`, in the run's peer order, and a line for each that failed or was not there. */
function rowsOf(results, bySection) {
  const peers = (results.peers ?? []).filter((peer) => bySection[peer.name]?.length || results.failed?.[peer.name]);
  const missing = [];
  if (results.unavailable.mosquitto) missing.push(`mosquitto: not available: ${results.unavailable.mosquitto}`);
  if (results.unavailable.hub) missing.push(`edgewise hub: not available: ${results.unavailable.hub}`);
  return { peers, missing };
}

function ratioCell(results, bySection, peer, value) {
  if (peer.name === REFERENCE) return '1.00×';
  const reference = bySection[REFERENCE];
  if (!reference?.length) return 'n/a';
  return cell(pairedRatios(bySection[peer.name].map(value), reference.map(value)), times);
}

export function outageSection(results) {
  const { settings } = results;
  const { peers, missing } = rowsOf(results, results.outage);
  const all = Object.values(results.outage).flat();
  const out = [
    `### Drain after a ${settings.outageMs / 1000} s outage`,
    '',
    `${settings.paced.publishers} publishers sent ${settings.paced.size} B QoS 1 messages at ${integer(settings.paced.rate)}/s together for ${settings.outageMs / 1000} s into every peer at once, each with its upstream down (the hub: \`hub upstream cut\`; mosquitto: the upstream broker stopped, the edge queuing for its bridge); then each peer's outage ended in turn, alone on the machine (\`hub upstream restore\`; the upstream broker started again). Times run from that moment until the upstream side held the first and the last message (the emulator's enqueued time; the arrival at the upstream broker's subscriber). Drain rate: messages ÷ time to the last one; ratio: a peer's drain rate ÷ mosquitto's in the same run. mosquitto's bridge retries every 1–2 s (\`restart_timeout 1 1\`), which its time to the first message shows. Load during the drains: ${loadRange(all)}. ${lagNote(all)}`,
    '',
    `| peer | queued | first message upstream after, ms | last message upstream after, s | drain rate, messages/s | first → last, messages/s | drain rate ÷ mosquitto bridge |`,
    '|---|---:|---:|---:|---:|---:|---:|',
  ];
  for (const peer of peers) {
    const samples = results.outage[peer.name];
    if (!samples?.length) {
      out.push(`| ${peer.label} | failed: ${results.failed[peer.name]} | | | | | |`);
      continue;
    }
    out.push(`| ${peer.label} | ${cell(samples.map((s) => s.queued))} | ${cell(samples.map((s) => s.firstMs))} | ${cell(samples.map((s) => s.lastMs), seconds)} | ${cell(samples.map((s) => s.drainRate))} | ${cell(samples.map((s) => s.transferRate))} | ${ratioCell(results, results.outage, peer, (s) => s.drainRate)} |`);
  }
  const incomplete = all.filter((s) => !s.complete);
  if (incomplete.length) out.push('', `**Incomplete drains:** ${incomplete.map((s) => `${s.received} of ${s.queued}`).join(', ')} (the missing messages never arrived upstream).`);
  return [...out, ...missing.map((line) => `\n${line}`), ''];
}

export function latencySection(results) {
  const { settings } = results;
  const { peers, missing } = rowsOf(results, results.latency);
  const all = Object.values(results.latency).flat();
  const out = [
    '### End-to-end latency online',
    '',
    `The upstream connected; ${settings.paced.publishers} publishers at ${integer(settings.paced.rate)} messages/s together (200 B, QoS 1, open loop: a message leaves when it is due, whatever is unacknowledged) for ${settings.latencyMs / 1000} s after ${settings.latencyWarmUpMs / 1000} s unmeasured. End to end: from the publish call (the time in the body) to the arrival upstream: the emulator's enqueued time for the hub (whole milliseconds), the upstream subscriber's arrival for mosquitto (edge → bridge → upstream broker → subscriber: one hop more). PUBACK: from the publish call to its PUBACK at the edge. Milliseconds; ratio: a peer's percentile ÷ mosquitto's in the same run. Load: ${loadRange(all)}. ${lagNote(all)}`,
    '',
    '| peer | end to end p50 | end to end p99 | end to end max | PUBACK p50 | PUBACK p99 | p50 ÷ mosquitto bridge | p99 ÷ mosquitto bridge |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const peer of peers) {
    const samples = results.latency[peer.name];
    if (!samples?.length) {
      out.push(`| ${peer.label} | failed: ${results.failed[peer.name]} | | | | | | |`);
      continue;
    }
    const of = (part, p) => samples.map((s) => s[part]?.[p] ?? NaN);
    out.push(`| ${peer.label} | ${cell(of('endToEnd', 'p50'), ms)} | ${cell(of('endToEnd', 'p99'), ms)} | ${cell(of('endToEnd', 'max'), ms)} | ${cell(of('puback', 'p50'), ms)} | ${cell(of('puback', 'p99'), ms)} | ${ratioCell(results, results.latency, peer, (s) => s.endToEnd?.p50)} | ${ratioCell(results, results.latency, peer, (s) => s.endToEnd?.p99)} |`);
  }
  const lost = all.filter((s) => s.received < s.sent);
  if (lost.length) out.push('', `**Messages that never arrived upstream:** ${lost.map((s) => `${s.sent - s.received} of ${s.sent}`).join(', ')}.`);
  return [...out, ...missing.map((line) => `\n${line}`), ''];
}

export function ttlSection(results) {
  const { settings } = results;
  const { ttl } = settings;
  const out = [
    '### Ingest while the expiry cleanup deletes expired messages',
    '',
    `The hub's store held ${integer(ttl.count)} expired messages (200 B, one $upstream queue; written before the start by bench/hub/ttl-fill.mjs) and its upstream was cut, so only the cleanup removed them. ${settings.paced.publishers} publishers sent at ${integer(settings.paced.rate)} messages/s together from the start; PUBACK times in milliseconds of the messages sent before the cleanup pass began (the same hub at the same rate, from ${ttl.warmUpMs / 1000} s after the first publish: the peer without a cleanup) and of those sent while it ran (from \`hub status\`'s expired counter, polled every 200 ms). The hub runs from bench/hub/hub-process.mjs: startHub as \`edgewise run\` calls it, with the cleanup every ${ttl.intervalMs / 1000} s instead of 60 s so that a pass begins soon after the start.`,
    '',
  ];
  if (results.unavailable.ttl) return [...out, `not available: ${results.unavailable.ttl}`, ''];
  if (results.unavailable.hub) return [...out, `not available: ${results.unavailable.hub}`, ''];
  const samples = results.ttl;
  if (!samples.length) return [...out, 'n/a', ''];
  const of = (window, field) => samples.map((s) => s[window]?.[field] ?? NaN);
  out.push(
    `Load: ${loadRange(samples)}. ${lagNote(samples)} The pass took ${cell(samples.map((s) => s.passMs), seconds)} s, ${cell(samples.map((s) => (s.removed / s.passMs) * 1000))} deletions/s.`,
    '',
    '| window | PUBACK p50 | PUBACK p99 | PUBACK max | messages | seconds |',
    '|---|---:|---:|---:|---:|---:|',
    `| before the pass (no cleanup) | ${cell(of('before', 'p50'), ms)} | ${cell(of('before', 'p99'), ms)} | ${cell(of('before', 'max'), ms)} | ${cell(of('before', 'n'))} | ${cell(of('before', 'seconds'))} |`,
    `| during the pass (deleting ${integer(ttl.count)}) | ${cell(of('during', 'p50'), ms)} | ${cell(of('during', 'p99'), ms)} | ${cell(of('during', 'max'), ms)} | ${cell(of('during', 'n'))} | ${cell(of('during', 'seconds'))} |`,
    `| during ÷ before, run by run | ${cell(pairedRatios(of('during', 'p50'), of('before', 'p50')), times)} | ${cell(pairedRatios(of('during', 'p99'), of('before', 'p99')), times)} | ${cell(pairedRatios(of('during', 'max'), of('before', 'max')), times)} | | |`,
    '',
  );
  return out;
}
