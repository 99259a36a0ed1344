#!/usr/bin/env node
// Edge hub benchmark (issues 12 and 16): store-and-forward ingest with durable acknowledgements,
// drain after an outage (a short one after each ingest sample, and a 60 s one at a fixed rate),
// end-to-end latency online, ingest latency while the expiry cleanup deletes a million expired
// messages, survival of kill -9, and memory while the queue grows; edgewise's hub (and with
// --sync) against mosquitto 2 with persistence, on its own and bridging to an upstream mosquitto,
// on the same workload; and the hub's store on its own.
//
//   npm run bench -- hub              (builds, then runs this; 23 minutes on this 2-core machine at load 2–12)
//   node bench/hub/run.mjs [--quick] [--runs 5] [--messages 10000] [--sections store,ingest,outage,latency,ttl,kill,memory]
//                          [--out bench/hub/RESULTS.md]
//
//   --quick      a few minutes: 1 run, 2,000 messages a sample, a 5 s outage, 3 s of latency,
//                50,000 expired messages, memory up to 50,000 queued
//   --messages   messages per ingest sample (all publishers together)
//   --workloads  only these, as SIZExPUBLISHERS: 200x1,200x10,1024x1,1024x10
//   --peers      only these peers: mosquitto-periodic, mosquitto-every-change, mosquitto-bridge, hub,
//                hub-sync, hub-baseline, hub-baseline-sync (the TTL section runs with hub)
//   --rate N     messages/s of the paced sections (outage, latency, ttl), 10 publishers together (1000)
//   --outage-seconds N, --latency-seconds N, --ttl-messages N, --ttl-interval SECONDS (the hub's
//                cleanup interval in the TTL section), --memory-levels 0,100000,1000000
//   EDGEWISE_BENCH_BUILD=DIR   measure the build in DIR (its bin/ and dist/) instead of this tree's
//   EDGEWISE_BENCH_BASELINE_BUILD=DIR   also measure the hub of the build in DIR (peers hub-baseline,
//                hub-baseline-sync), interleaved with the others: a change measured before/after
//   EDGEWISE_BENCH_HUB_NODE_ARGS='--cpu-prof --cpu-prof-dir=DIR'   node options for the hub processes
//
// Publishers are MQTT.js clients over TLS (QoS 1) in their own process: as fast as 100
// unacknowledged each allow for ingest, or at a fixed rate for the paced sections. Figures are
// medians of interleaved runs with min–max, ratios taken run by run against mosquitto; the load
// average is recorded with every sample because other processes may share the machine. Results:
// Markdown on stdout and in --out (default bench/hub/RESULTS.md for a full run), raw numbers in
// bench/.data/hub-results.json (or --json FILE).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from './emulator.mjs';
import { hubPeer } from './hub-peer.mjs';
import { describeMachine, loadAverage } from './machine.mjs';
import { findMosquitto } from './mosquitto.mjs';
import { mosquittoBridgePeer } from './mosquitto-bridge-peer.mjs';
import { mosquittoPeer } from './mosquitto-peer.mjs';
import { ingestAndDrain, ingestOnly, killAndCount, residentWhileQueued, WINDOW } from './scenarios.mjs';
import { runOutageAndLatency, runTtl } from './paced-sections.mjs';
import { runStoreBench, storeUnavailable } from './store-bench.mjs';
import { makeServerCertificates } from './tls.mjs';
import { renderReport } from './report.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
const BUILD = process.env.EDGEWISE_BENCH_BUILD ? path.resolve(process.env.EDGEWISE_BENCH_BUILD) : ROOT;
const BASELINE = process.env.EDGEWISE_BENCH_BASELINE_BUILD ? path.resolve(process.env.EDGEWISE_BENCH_BASELINE_BUILD) : undefined;
const DATA = path.join(ROOT, 'bench/.data');
const SECTIONS = ['store', 'ingest', 'outage', 'latency', 'ttl', 'kill', 'memory'];
const PUBLISHERS = 10;
const log = (line) => process.stderr.write(`[bench:hub] ${line}\n`);

const USAGE = `usage: node bench/hub/run.mjs [--quick] [--runs 5] [--messages 10000] [--sections ${SECTIONS.join(',')}] [--peers NAMES] [--workloads 200x1,...]
       [--rate 1000] [--outage-seconds 60] [--latency-seconds 10] [--ttl-messages 1000000] [--ttl-interval 20] [--memory-levels 0,100000,1000000]
       [--out FILE] [--json FILE]`;

function usageError(message) {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function positive(name, text, { zero = false } = {}) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < (zero ? 0 : 1)) usageError(`${name} takes a ${zero ? 'non-negative' : 'positive'} integer, not "${text}"`);
  return n;
}

function parseArgs(argv) {
  const args = { quick: false, sections: SECTIONS };
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => {
      const v = inline !== undefined ? inline : argv[++i];
      if (v === undefined) usageError(`${key} needs a value`);
      return v;
    };
    if (key === '--quick') args.quick = true;
    else if (key === '--runs') args.runs = positive(key, value());
    else if (key === '--messages') args.messages = positive(key, value());
    else if (key === '--sections') args.sections = value().split(',');
    else if (key === '--out') args.out = value();
    else if (key === '--json') args.json = value();
    else if (key === '--peers') args.peers = value().split(',');
    else if (key === '--workloads') args.workloads = value().split(',');
    else if (key === '--rate') args.rate = positive(key, value());
    else if (key === '--outage-seconds') args.outageSeconds = positive(key, value());
    else if (key === '--latency-seconds') args.latencySeconds = positive(key, value());
    else if (key === '--ttl-messages') args.ttlMessages = positive(key, value());
    else if (key === '--ttl-interval') args.ttlInterval = positive(key, value());
    else if (key === '--memory-levels') args.memoryLevels = value().split(',').map((level) => positive(key, level, { zero: true }));
    else if (key === '--help' || key === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else usageError(`unknown argument: ${argv[i]}`);
  }
  const unknown = args.sections.filter((s) => !SECTIONS.includes(s));
  if (unknown.length) usageError(`unknown section ${unknown.join(', ')}: choose from ${SECTIONS.join(', ')}`);
  args.runs ??= args.quick ? 1 : 5;
  args.messages ??= args.quick ? 2_000 : 10_000;
  if (args.messages < PUBLISHERS) usageError(`--messages must be at least ${PUBLISHERS}`);
  args.out ??= args.quick ? undefined : path.join(HERE, 'RESULTS.md');
  return args;
}

/** Why `edgewise run` cannot be benchmarked in this build, or undefined when it can. */
function hubUnavailable() {
  if (!fs.existsSync(path.join(BUILD, 'dist/runtime/hub/admin-client.js'))) return 'dist/runtime/hub/admin-client.js is not in this build';
  const help = spawnSync(process.execPath, [path.join(BUILD, 'bin/edgewise.js'), 'run', '--help'], { encoding: 'utf8' });
  if (help.status !== 0 || !help.stdout.includes('--connection-string')) return '`edgewise run` is not in this build';
  return undefined;
}

const args = parseArgs(process.argv.slice(2));
const settings = {
  runs: args.runs,
  messages: args.messages,
  // mosquitto rewrites its whole database on every save; saving after every change makes the
  // cost per message grow with the queue, so its samples are smaller (see the report).
  everyChangeMessages: Math.max(PUBLISHERS, Math.floor(args.messages / 4)),
  killAfter: Math.min(args.messages, args.quick ? 2_000 : 10_000),
  killRuns: args.quick ? 1 : 2,
  memoryLevels: args.memoryLevels ?? (args.quick ? [0, 10_000, 50_000] : [0, 100_000, 1_000_000]),
  /** The paced sections: 10 publishers, 200 B, this many messages a second together. */
  paced: { rate: args.rate ?? 1_000, publishers: PUBLISHERS, size: 200 },
  outageMs: (args.outageSeconds ?? (args.quick ? 5 : 60)) * 1000,
  latencyMs: (args.latencySeconds ?? (args.quick ? 3 : 10)) * 1000,
  latencyWarmUpMs: args.quick ? 1_000 : 2_000,
  ttl: {
    count: args.ttlMessages ?? (args.quick ? 50_000 : 1_000_000),
    intervalMs: (args.ttlInterval ?? (args.quick ? 8 : 20)) * 1000,
    warmUpMs: args.quick ? 1_000 : 2_000,
  },
  storeCount: args.quick ? 2_000 : 20_000,
  storeSizes: [200],
  workloads: [
    { size: 200, publishers: 1 },
    { size: 200, publishers: PUBLISHERS },
    { size: 1024, publishers: 1 },
    { size: 1024, publishers: PUBLISHERS },
  ],
  window: WINDOW,
  /** Unmeasured messages per publisher (10 publishers, 200 B) before an instance's first ingest sample. */
  warmUpPerPublisher: args.quick ? 200 : 2_000,
};
const started = performance.now();
if (args.workloads) settings.workloads = settings.workloads.filter((w) => args.workloads.includes(`${w.size}x${w.publishers}`));

fs.mkdirSync(DATA, { recursive: true });
const logFolder = path.join(DATA, 'hub-logs');
fs.rmSync(logFolder, { recursive: true, force: true });
fs.mkdirSync(logFolder, { recursive: true });
// Short: the hub's admin socket lives in its data folder, and unix socket paths hold 107 bytes.
const tempRoot = fs.mkdtempSync('/tmp/ewb-');
const mosquittoBinary = findMosquitto();
const machine = describeMachine(ROOT, { mosquittoBinary, tempRoot });
const results = { machine, settings, sections: args.sections, build: BUILD === ROOT ? undefined : BUILD, command: `node bench/hub/run.mjs ${process.argv.slice(2).join(' ')}`.trim(), unavailable: {}, store: undefined, ingest: {}, outage: {}, latency: {}, ttl: [], kill: {}, memory: {} };
log(`load average at start: ${machine.loadAtStart.one} ${machine.loadAtStart.five} ${machine.loadAtStart.fifteen}`);

let emulator;
const cleanup = async () => {
  await emulator?.close().catch(() => {});
  fs.rmSync(tempRoot, { recursive: true, force: true });
};
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));

try {
  // ---------------------------------------------------------------- peers
  const peers = [];
  if (mosquittoBinary) {
    const certificates = makeServerCertificates(path.join(tempRoot, 'tls'));
    peers.push(mosquittoPeer({ binary: mosquittoBinary, autosave: 'periodic', certificates, tempRoot }));
    peers.push(mosquittoPeer({ binary: mosquittoBinary, autosave: 'every-change', certificates, tempRoot }));
    peers.push(mosquittoBridgePeer({ binary: mosquittoBinary, certificates, tempRoot }));
  } else {
    results.unavailable.mosquitto = 'mosquitto is not installed (Debian: apt-get install -y mosquitto)';
    log(`mosquitto rows: not available: ${results.unavailable.mosquitto}`);
  }
  const hubReason = args.sections.some((s) => s !== 'store') ? hubUnavailable() : undefined;
  if (hubReason) {
    results.unavailable.hub = hubReason;
    log(`hub rows: not available: ${hubReason}`);
  } else if (args.sections.some((s) => s !== 'store')) {
    emulator = await startEmulator({ root: BUILD, folder: path.join(tempRoot, 'cloud'), logFile: path.join(logFolder, 'cloud.log'), publishers: PUBLISHERS });
    const manifest = path.join(HERE, 'edge-manifest.json');
    for (const sync of [false, true]) peers.push(await hubPeer({ root: BUILD, emulator, sync, tempRoot, logFolder, manifest }));
    if (BASELINE) for (const sync of [false, true]) peers.push(await hubPeer({ root: BASELINE, emulator, sync, tempRoot, logFolder, manifest, baseline: true }));
  }
  if (args.peers) peers.splice(0, peers.length, ...peers.filter((peer) => args.peers.includes(peer.name)));
  results.peers = peers.map(({ name, label }) => ({ name, label }));
  results.sectionSeconds = {};
  let sectionStart = performance.now();
  const sectionDone = (...names) => {
    const ran = names.filter((name) => args.sections.includes(name));
    if (ran.length) results.sectionSeconds[ran.join(' and ')] = (performance.now() - sectionStart) / 1000;
    sectionStart = performance.now();
  };
  results.reference = ['mosquitto-bridge', 'mosquitto-periodic'].find((name) => peers.some((peer) => peer.name === name));
  const failed = new Map(); // peer name → why its rows stopped
  const fail = (peer, error) => {
    failed.set(peer.name, error.message);
    log(`${peer.name}: failed: ${error.message}`);
  };

  // ---------------------------------------------------------------- store alone
  if (args.sections.includes('store')) {
    const reason = storeUnavailable(BUILD);
    if (reason) {
      results.unavailable.store = reason;
      log(`store rows: not available: ${reason}`);
    } else {
      results.store = runStoreBench({ build: BUILD, tempRoot, runs: args.runs, count: settings.storeCount, sizes: settings.storeSizes, log });
    }
  }

  sectionDone('store');

  // ---------------------------------------------------------------- ingest and drain, interleaved
  if (args.sections.includes('ingest')) {
    for (let run = 0; run < args.runs; run++) {
      const order = peers.map((_, i) => peers[(i + run) % peers.length]);
      for (const peer of order) {
        if (failed.has(peer.name)) continue;
        let instance;
        try {
          instance = await peer.open();
          // Steady state, not start-up: a fresh hub process runs its first messages before V8 has
          // optimized its code (its first sample, 200 B from 1 publisher, measured 18,800/s cold
          // and 26,200/s after this warm-up), so every peer gets the same unmeasured round first.
          await ingestAndDrain(instance, { size: 200, publishers: PUBLISHERS, perPublisher: settings.warmUpPerPublisher, tag: `w${run}${peer.name}` }, tempRoot);
          for (const workload of settings.workloads) {
            const total = peer.name === 'mosquitto-every-change' ? settings.everyChangeMessages : args.messages;
            const perPublisher = Math.floor(total / workload.publishers);
            const key = `${workload.size}|${workload.publishers}`;
            const sample = await ingestAndDrain(instance, { ...workload, perPublisher, tag: `i${run}${peer.name}${key}` }, tempRoot);
            ((results.ingest[peer.name] ??= {})[key] ??= []).push(sample);
            log(`run ${run + 1}/${args.runs} ${peer.name} ${workload.size} B × ${workload.publishers}: ingest ${Math.round(sample.ingestRate)}/s, drain ${Math.round(sample.drainRate)}/s (${sample.drained}/${sample.total}), load ${sample.load.join('→')}`);
          }
        } catch (error) {
          fail(peer, error);
        } finally {
          await instance?.close().catch((error) => log(`${peer.name}: close: ${error.message}`));
        }
      }
    }
  }

  // ---------------------------------------------------------------- the drain's receiver alone
  // The hub drains into the emulator, whose own commit per message bounds the drain: its ingest
  // rate, with the same publishers as devices connected to it directly, is the ceiling.
  if (args.sections.includes('ingest') && emulator) {
    for (let run = 0; run < args.runs; run++) {
      for (const workload of settings.workloads.filter((w) => w.size === 200)) {
        try {
          const sample = await ingestOnly(emulator.direct, { ...workload, perPublisher: Math.floor(args.messages / workload.publishers), tag: `c${run}` }, tempRoot);
          ((results.ingest.cloud ??= {})[`${workload.size}|${workload.publishers}`] ??= []).push(sample);
          log(`run ${run + 1}/${args.runs} cloud direct ${workload.size} B × ${workload.publishers}: ingest ${Math.round(sample.ingestRate)}/s`);
        } catch (error) {
          results.unavailable.cloud = error.message;
          log(`cloud direct: failed: ${error.message}`);
        }
      }
    }
  }

  sectionDone('ingest');

  // ---------------------------------------------------------------- outage, then latency online
  const paced = { args, settings, results, tempRoot, log, failed, fail };
  await runOutageAndLatency(peers, paced);
  sectionDone('outage', 'latency');

  // ---------------------------------------------------------------- TTL cleanup under load
  if (args.sections.includes('ttl') && emulator && (!args.peers || args.peers.includes('hub'))) {
    const ttlPeer = await hubPeer({ root: BUILD, emulator, sync: false, tempRoot, logFolder, manifest: path.join(HERE, 'edge-manifest.json'), cleanupIntervalMs: settings.ttl.intervalMs });
    await runTtl(ttlPeer, { ...paced, build: BUILD });
  }
  sectionDone('ttl');

  // ---------------------------------------------------------------- kill -9
  if (args.sections.includes('kill')) {
    for (let run = 0; run < settings.killRuns; run++) {
      for (const peer of peers) {
        if (failed.has(peer.name)) continue;
        try {
          const perPublisher = Math.ceil((settings.killAfter * 3) / PUBLISHERS);
          const sample = await killAndCount(peer, { publishers: PUBLISHERS, perPublisher, size: 200, killAfter: settings.killAfter, tag: `k${run}${peer.name}` }, tempRoot);
          (results.kill[peer.name] ??= []).push(sample);
          log(`kill -9 ${peer.name}: ${sample.acked} acknowledged, ${sample.survivors} survived, ${sample.lost} lost`);
        } catch (error) {
          fail(peer, error);
        }
      }
    }
  }

  sectionDone('kill');

  // ---------------------------------------------------------------- memory while queued
  if (args.sections.includes('memory')) {
    // The hub against the reference peer (mosquitto with a bridge when it runs); the others hold the same queue the same way.
    for (const peer of peers.filter((p) => p.name === results.reference || p.name === 'hub')) {
      if (failed.has(peer.name)) continue;
      try {
        results.memory[peer.name] = await residentWhileQueued(peer, { levels: settings.memoryLevels, publishers: PUBLISHERS, size: 200, tag: `m${peer.name}` }, tempRoot, log);
      } catch (error) {
        fail(peer, error);
      }
    }
  }
  sectionDone('memory');
  results.failed = Object.fromEntries(failed);
} finally {
  results.machine.loadAtEnd = loadAverage();
  results.totalSeconds = (performance.now() - started) / 1000;
  await cleanup();
}

fs.writeFileSync(args.json ?? path.join(DATA, 'hub-results.json'), `${JSON.stringify(results, null, 2)}\n`);
const markdown = renderReport(results);
process.stdout.write(markdown);
if (args.out) {
  fs.writeFileSync(args.out, markdown);
  log(`written to ${path.relative(ROOT, args.out)}`);
}
