// Markdown for the results of bench/hub/run.mjs: one table per question, medians with min–max,
// the load average the samples ran under, and the reason for every row that has no numbers.
import { STORE_SETTINGS } from './store-bench.mjs';
import { cell, decimal, integer, pairedRatios, summary } from '../common/stats.mjs';
import { latencySection, outageSection, ttlSection } from './report-paced.mjs';

const workloadName = (key) => {
  const [size, publishers] = key.split('|');
  return `${size === '1024' ? '1 KB' : `${size} B`}, ${publishers} publisher${publishers === '1' ? '' : 's'}`;
};

function loadRange(loads) {
  const s = summary(loads);
  return s ? `${decimal(s.min, 2)}–${decimal(s.max, 2)}` : 'n/a';
}

function peerColumns(results) {
  const columns = (results.peers ?? []).map((peer) => ({ ...peer }));
  if (results.unavailable.mosquitto) columns.unshift({ name: 'mosquitto', label: 'mosquitto', missing: results.unavailable.mosquitto });
  if (results.unavailable.hub) columns.push({ name: 'hub', label: 'edgewise hub', missing: results.unavailable.hub });
  return columns;
}

function valueOf(results, column, key, field) {
  if (column.missing) return `not available: ${column.missing}`;
  const samples = results.ingest[column.name]?.[key];
  if (!samples?.length) return results.failed?.[column.name] ? `failed: ${results.failed[column.name]}` : 'n/a';
  return cell(samples.map((sample) => sample[field]));
}

/** The hubs' columns, each also as a ratio to the reference peer (mosquitto with a bridge when it ran), run by run. */
function ratioColumns(results, columns) {
  const reference = results.reference;
  if (!reference) return [];
  return columns.filter((c) => !c.missing && c.name.startsWith('hub')).map((c) => ({ ...c, ratioOf: reference, ratioLabel: `${c.name} ÷ ${reference}` }));
}

function ratioValue(results, column, key, field) {
  const samples = results.ingest[column.name]?.[key];
  const reference = results.ingest[column.ratioOf]?.[key];
  if (!samples?.length || !reference?.length) return 'n/a';
  return cell(pairedRatios(samples.map((s) => s[field]), reference.map((s) => s[field])), (n) => `${decimal(n, 2)}×`);
}

function rateTable(results, field, keys) {
  const columns = peerColumns(results);
  const ratios = ratioColumns(results, columns);
  const lines = [`| workload | ${[...columns.map((c) => c.label), ...ratios.map((c) => c.ratioLabel)].join(' | ')} |`, `|---|${[...columns, ...ratios].map(() => '---:').join('|')}|`];
  for (const key of keys) lines.push(`| ${workloadName(key)} | ${[...columns.map((c) => valueOf(results, c, key, field)), ...ratios.map((c) => ratioValue(results, c, key, field))].join(' | ')} |`);
  return lines.join('\n');
}

function ingestLoads(results) {
  return Object.values(results.ingest).flatMap((byKey) => Object.values(byKey).flatMap((samples) => samples.flatMap((s) => s.load)));
}

function header(results) {
  const { machine, settings } = results;
  const build = results.build ? `the build in ${results.build} (EDGEWISE_BENCH_BUILD)` : "this tree's build (`node scripts/build.mjs`)";
  const parts = Object.entries(results.sectionSeconds ?? {}).map(([name, secs]) => `${name} ${integer(secs)} s`).join(', ');
  const minutes = results.totalSeconds === undefined ? '' : `; it took ${decimal(results.totalSeconds / 60)} minutes${parts ? ` (${parts})` : ''}`;
  return [
    '## Edge hub (issues 12 and 16): `npm run bench -- hub`',
    '',
    `Run of ${machine.date.slice(0, 16).replace('T', ' ')} UTC: \`${results.command}\`, measuring ${build}; commit ${machine.commit ?? 'unknown'} plus the working tree${minutes}.`,
    '',
    `- node ${machine.node}, ${machine.os}`,
    `- CPU: ${machine.cpu}; temporary folders on ${machine.disk}`,
    `- mosquitto ${machine.versions.mosquitto} (Debian package), lmdb ${machine.versions.lmdb}, MQTT.js ${machine.versions.mqtt}`,
    `- load average (1 min) at start ${decimal(machine.loadAtStart.one, 2)}, at end ${decimal(machine.loadAtEnd?.one ?? NaN, 2)}; other processes shared the machine when it was above 0`,
    `- publishers: MQTT.js over TLS (TCP_NODELAY) in their own process, QoS 1; for ingest ${settings.window} unacknowledged per publisher, a message counting when its PUBACK is back; for the paced sections a fixed rate`,
    `- ${settings.runs} run${settings.runs > 1 ? 's' : ''}, interleaved (each run goes through every peer, in a rotating order); cells are median (min–max); a ratio is taken run by run against ${results.reference ? `\`${results.reference}\`` : 'mosquitto'} in the same run`,
    '',
  ];
}

/** The bridge's drain includes its wait for the next reconnect attempt; its transfer alone, from the first message. */
function bridgeDrainNote(results, keys) {
  const samples = results.ingest['mosquitto-bridge'];
  if (!samples) return [];
  const rates = keys.filter((key) => samples[key]?.length).map((key) => `${workloadName(key)} ${cell(samples[key].map((s) => s.transferRate))}`);
  return [`mosquitto with a bridge: the time runs from starting the upstream broker, so it includes the bridge's wait for its next attempt (every 1–2 s); from its first message to its last it drained at ${rates.join('; ')} messages/s.`, ''];
}

function ingestSection(results) {
  const { settings } = results;
  const keys = settings.workloads.map((w) => `${w.size}|${w.publishers}`);
  const out = [
    '### Ingest while the upstream is down (messages/s, every PUBACK received)',
    '',
    `${settings.messages.toLocaleString('en-US')} messages per sample (mosquitto autosave on every change: ${settings.everyChangeMessages.toLocaleString('en-US')})${settings.warmUpPerPublisher ? `, after an unmeasured warm-up of ${(settings.warmUpPerPublisher * 10).toLocaleString('en-US')} messages (10 publishers, 200 B, then drained) on each fresh instance` : ''}. mosquitto queues for an offline durable subscriber (clean session off, QoS 1, max_queued_messages 0), or, with a bridge, for the bridge while its upstream broker is stopped; the hub stores with its upstream cut. Load during these samples: ${loadRange(ingestLoads(results))}.`,
    '',
    rateTable(results, 'ingestRate', keys),
    '',
    '### Drain after the outage (messages/s until the receiver holds all of them)',
    '',
    "mosquitto: the durable subscriber reconnects and takes its queue (mosquitto's default max_inflight_messages 20); with a bridge, the upstream broker starts again and the bridge forwards to the subscriber there. The hub: `upstream restore`, timed until its $upstream queue is empty (every entry acknowledged by the emulator, `edgewise cloud serve`); then the emulator's log is checked for every message.",
    '',
    rateTable(results, 'drainRate', keys),
    '',
    ...bridgeDrainNote(results, keys),
  ];
  const cloud = results.ingest.cloud;
  if (!cloud && !results.unavailable.cloud) return out;
  out.push("The drain's receiver on its own: the same publishers as devices connected straight to `edgewise cloud serve` (which commits each message to its telemetry log before its PUBACK), messages/s:", '');
  if (results.unavailable.cloud) return [...out, `not available: ${results.unavailable.cloud}`, ''];
  out.push('| workload | edgewise cloud serve |', '|---|---:|');
  for (const key of Object.keys(cloud)) out.push(`| ${workloadName(key)} | ${cell(cloud[key].map((sample) => sample.ingestRate))} |`);
  return [...out, ''];
}

function storeSection(results) {
  const out = ['### The store alone (appends/s, each counted when its commit resolved)', ''];
  if (results.unavailable.store) return [...out, `not available: ${results.unavailable.store}`, ''];
  if (!results.store) return out;
  out.push(`openHubStore (dist/runtime/store/hub-store.js), ${results.settings.storeCount.toLocaleString('en-US')} appends of 200 B with one $upstream target, a fresh process and folder per sample (one commit per message with sync: a tenth as many). Load: ${loadRange(results.store.loads)}.`, '');
  out.push('| setting | appends/s, 200 B | writes per commit |', '|---|---:|---:|');
  for (const setting of STORE_SETTINGS) {
    const samples = results.store.results[`${setting.name}|200`];
    const perCommit = samples.filter((s) => s.commits > 0).map((s) => s.writes / s.commits);
    out.push(`| ${setting.name} | ${cell(samples.map((s) => s.rate))} | ${perCommit.length ? cell(perCommit, (n) => decimal(n)) : 'n/a'} |`);
  }
  return [...out, ''];
}

function killSection(results) {
  const out = [
    '### kill -9 after acknowledged messages',
    '',
    `${results.settings.killAfter.toLocaleString('en-US')} or more messages acknowledged (10 publishers, 200 B), then kill -9 of the broker, a restart on the same folder and a drain. "Lost" are acknowledged messages that never arrived.`,
    '',
    '| peer | acknowledged | survived | lost |',
    '|---|---:|---:|---:|',
  ];
  for (const column of peerColumns(results)) {
    const samples = results.kill[column.name];
    const list = (field) => samples.map((s) => integer(s[field])).join(', ');
    if (column.missing) out.push(`| ${column.label} | not available: ${column.missing} | | |`);
    else if (!samples?.length) out.push(`| ${column.label} | ${results.failed?.[column.name] ? `failed: ${results.failed[column.name]}` : 'n/a'} | | |`);
    else out.push(`| ${column.label} | ${list('acked')} | ${list('survivors')} | ${list('lost')} |`);
  }
  return [...out, ''];
}

function memorySection(results) {
  const peers = peerColumns(results).filter((c) => c.missing || results.memory[c.name]);
  const out = [
    '### Memory while the queue grows (the broker process, 200 B messages)',
    '',
    "VmRSS in MiB from /proc/PID/status, as RssAnon (heaps) + RssFile (resident pages of mapped files: lmdb's memory map is page cache the kernel can reclaim), 2 s after the last PUBACK; then the size of the data folder on disk.",
    '',
    `| queued | ${peers.map((c) => `${c.label}: RSS = anon + file (disk)`).join(' | ')} |`,
    `|---:|${peers.map(() => '---:').join('|')}|`,
  ];
  for (const [index, level] of results.settings.memoryLevels.entries()) {
    const cells = peers.map((c) => {
      if (c.missing) return `not available: ${c.missing}`;
      const row = results.memory[c.name]?.[index];
      return row ? `${decimal(row.rssMiB)} = ${decimal(row.anonMiB)} + ${decimal(row.fileMiB)} (${decimal(row.diskMiB)})` : 'n/a';
    });
    out.push(`| ${integer(level)} | ${cells.join(' | ')} |`);
  }
  const hub = results.memory.hub;
  const reference = results.memory[results.reference];
  if (hub && reference) {
    const ratios = results.settings.memoryLevels.map((level, index) => `${integer(level)}: ${hub[index] && reference[index] ? `${decimal(hub[index].rssMiB / reference[index].rssMiB, 2)}×` : 'n/a'}`);
    out.push('', `Hub RSS ÷ ${results.reference} RSS (one sample each, no repetitions): ${ratios.join(', ')}.`);
  }
  return [...out, ''];
}

const SECTIONS = { ingest: ingestSection, outage: outageSection, latency: latencySection, ttl: ttlSection, store: storeSection, kill: killSection, memory: memorySection };

export function renderReport(results) {
  const ran = results.sections ?? Object.keys(SECTIONS);
  const out = header(results);
  for (const [name, render] of Object.entries(SECTIONS)) if (ran.includes(name)) out.push(...render(results));
  const failures = Object.entries(results.failed ?? {});
  if (failures.length) out.push('Failures:', '', ...failures.map(([name, reason]) => `- ${name}: ${reason}`), '');
  return `${out.join('\n')}\n`;
}
