// The paced sections of bench/hub/run.mjs (issue 16), run by run: the drain after a long outage
// and end-to-end latency online on the peers that forward upstream (the hubs, mosquitto with a
// bridge), and ingest latency during the TTL cleanup on the hub. `context`: { args, settings,
// results, tempRoot, log, failed (peer name → why its rows stopped), fail(peer, error) }.
import fs from 'node:fs';
import { onlineLatency } from './latency.mjs';
import { drainAfterOutage, fillDuringOutage } from './outage.mjs';
import { ingestAndDrain } from './scenarios.mjs';
import { cleanupUnderLoad, prepareExpiredTemplate } from './ttl-cleanup.mjs';

const forwards = (peer) => peer.name === 'mosquitto-bridge' || peer.name.startsWith('hub');

/** A fresh instance's first drain runs cold code: each gets the same short unmeasured ingest and drain first. */
function warmUp(instance, tag, { settings, tempRoot }) {
  const { publishers, size } = settings.paced;
  return ingestAndDrain(instance, { size, publishers, perPublisher: Math.min(500, settings.warmUpPerPublisher), tag }, tempRoot);
}

async function measureLatency(peer, instance, run, { args, settings, results, tempRoot, log }) {
  const sample = await onlineLatency(instance, { ...settings.paced, durationMs: settings.latencyMs, warmUpMs: settings.latencyWarmUpMs, tag: `l${run}${peer.name}` }, tempRoot);
  (results.latency[peer.name] ??= []).push(sample);
  log(`run ${run + 1}/${args.runs} ${peer.name} latency online: end to end p50 ${sample.endToEnd?.p50?.toFixed(1)} ms, p99 ${sample.endToEnd?.p99?.toFixed(1)} ms (${sample.received}/${sample.sent}), PUBACK p99 ${sample.puback?.p99?.toFixed(1)} ms, load ${sample.load.join('→')}`);
}

async function measureDrain(peer, instance, tag, report, run, { args, settings, results, log }) {
  const sample = await drainAfterOutage(instance, { tag, report });
  (results.outage[peer.name] ??= []).push(sample);
  log(`run ${run + 1}/${args.runs} ${peer.name} after a ${settings.outageMs / 1000} s outage: ${sample.queued} queued, first upstream after ${Math.round(sample.firstMs)} ms, all after ${Math.round(sample.lastMs)} ms (${sample.received}/${sample.queued}), load ${sample.load.join('→')}`);
}

/**
 * Each run: every forwarding peer opened and warmed up, the outage filled into all of them at once,
 * then each in turn drained and measured online, and closed as soon as it is measured: two hubs
 * online at once would connect upstream as the same edge device and take the connection from each other.
 */
export async function runOutageAndLatency(peers, context) {
  const { args, failed, fail, log } = context;
  const outage = args.sections.includes('outage');
  const latency = args.sections.includes('latency');
  if (!outage && !latency) return;
  const forwarding = peers.filter(forwards);
  for (let run = 0; run < args.runs; run++) {
    const order = forwarding.map((_, i) => forwarding[(i + run) % forwarding.length]).filter((peer) => !failed.has(peer.name));
    const open = [];
    const close = async (entry) => {
      open.splice(open.indexOf(entry), 1);
      await entry.instance.close().catch((error) => log(`${entry.peer.name}: close: ${error.message}`));
    };
    try {
      for (const peer of order) {
        try {
          const instance = await peer.open();
          open.push({ peer, instance, tag: `o${run}${peer.name}` });
          await warmUp(instance, `w${run}o${peer.name}`, context);
        } catch (error) {
          fail(peer, error);
        }
      }
      const entries = open.filter(({ peer }) => !failed.has(peer.name));
      const reports = outage ? await fillDuringOutage(entries, { ...context.settings.paced, durationMs: context.settings.outageMs }, context.tempRoot) : [];
      for (const [index, entry] of entries.entries()) {
        try {
          if (outage) await measureDrain(entry.peer, entry.instance, entry.tag, reports[index], run, context);
          if (latency) await measureLatency(entry.peer, entry.instance, run, context);
        } catch (error) {
          fail(entry.peer, error);
        } finally {
          await close(entry);
        }
      }
    } finally {
      for (const entry of [...open]) await close(entry);
    }
  }
}

/** The TTL section on `ttlPeer` (a hub peer with a short cleanup interval); `context.build` is the build measured. */
export async function runTtl(ttlPeer, { args, settings, results, tempRoot, log, build }) {
  let template;
  try {
    template = await prepareExpiredTemplate(ttlPeer, { build, count: settings.ttl.count, size: settings.paced.size }, log);
    for (let run = 0; run < args.runs; run++) {
      const sample = await cleanupUnderLoad(ttlPeer, template, { ...settings.paced, ...settings.ttl, tag: `t${run}` }, tempRoot);
      results.ttl.push(sample);
      log(`run ${run + 1}/${args.runs} ttl: ${sample.removed} expired removed in ${(sample.passMs / 1000).toFixed(1)} s; PUBACK p99 ${sample.before.p99?.toFixed(1)} ms before, ${sample.during.p99?.toFixed(1)} ms during; load ${sample.load.join('→')}`);
    }
  } catch (error) {
    results.unavailable.ttl = error.message;
    log(`ttl: failed: ${error.message}`);
  } finally {
    if (template) fs.rmSync(template, { recursive: true, force: true });
  }
}
