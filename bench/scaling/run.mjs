#!/usr/bin/env node
// Scaling benchmark (issue 9): does each command take time linear in its input? Every shape of
// bench/scaling/shapes.mjs is generated at 1×, 10× and 100× and the real CLI (bin/edgewise.js,
// so build first) runs on it; each size is run several times and its CPU time kept (median,
// min–max). Linear work multiplies the time by about 10 per 10× step, quadratic work by about
// 100. The 1× step also carries node's start-up (~50 ms), so its ratio understates the slope;
// the 10×→100× ratio is the one to read.
//
//   node bench/scaling/run.mjs [--runs 3] [--scales 1,10,100] [--only id,id] [--timeout 120]
//   EDGEWISE_BIN=/path/to/bin/edgewise.js   time another build
//
// Prints a Markdown table and writes it to bench/scaling/RESULTS.md (not with --only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SHAPES } from './shapes.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, '../..');
/** EDGEWISE_BIN runs another build (e.g. a copy of bin/ and dist/ made before a change). */
const BIN = process.env.EDGEWISE_BIN ?? path.join(ROOT, 'bin/edgewise.js');

function parseArgs(argv) {
  const args = { runs: 3, scales: [1, 10, 100], only: undefined, timeout: 120 };
  for (let i = 0; i < argv.length; i++) {
    const value = () => argv[++i] ?? '';
    if (argv[i] === '--runs') args.runs = Number(value());
    else if (argv[i] === '--scales') args.scales = value().split(',').map(Number);
    else if (argv[i] === '--only') args.only = value().split(',');
    else if (argv[i] === '--timeout') args.timeout = Number(value());
    else {
      console.error('usage: node bench/scaling/run.mjs [--runs 3] [--scales 1,10,100] [--only id,id] [--timeout 120]');
      process.exit(2);
    }
  }
  if (!(args.runs >= 1) || args.scales.some((scale) => !(scale > 0))) {
    console.error('--runs and --scales take positive numbers');
    process.exit(2);
  }
  return args;
}

const median = (sorted) => (sorted.length % 2 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2);
const seconds = (ms) => (ms / 1000).toFixed(ms < 10000 ? 3 : 1);
const kb = (bytes) => (bytes >= 1 << 20 ? `${(bytes / (1 << 20)).toFixed(1)} MB` : `${Math.round(bytes / 1024)} KB`);

/** GNU time reports the child's CPU time, which other work on a busy machine disturbs far less than wall time. */
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** One timed run of the CLI in `dir`: wall and CPU milliseconds, or why there are none. */
function timeOnce(dir, command, timeoutS) {
  const cpuFile = path.join(dir, '.cpu-time');
  const [file, argv] = GNU_TIME ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, process.execPath, BIN, ...command]] : [process.execPath, [BIN, ...command]];
  const start = process.hrtime.bigint();
  const run = spawnSync(file, argv, { cwd: dir, encoding: 'utf8', maxBuffer: 1 << 30, timeout: timeoutS * 1000 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (run.error?.code === 'ETIMEDOUT' || run.signal) return { timedOut: true };
  // Exit 2 is a usage error (e.g. a file over the size limit): the size is not measured.
  if (![0, 1].includes(run.status)) return { failed: `exit ${run.status}: ${(run.stderr || String(run.error)).trim().split('\n').at(-1).slice(0, 160)}` };
  const cpuMs = GNU_TIME ? fs.readFileSync(cpuFile, 'utf8').trim().split('\n').at(-1).split(' ').reduce((sum, part) => sum + Number(part) * 1000, 0) : ms;
  return { ms, cpuMs, exitCode: run.status, outputBytes: Buffer.byteLength(run.stdout) };
}

function measure(shape, scale, args) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `edgewise-scaling-${shape.id}-`));
  try {
    let bytes = 0;
    for (const [name, text] of Object.entries(shape.files(scale))) {
      fs.writeFileSync(path.join(dir, name), text);
      bytes += Buffer.byteLength(text);
    }
    const times = [];
    const cpuTimes = [];
    let last;
    for (let run = 0; run < args.runs; run++) {
      last = timeOnce(dir, shape.command, args.timeout);
      if (last.timedOut) return { bytes, timedOut: true };
      if (last.failed) return { bytes, failed: last.failed };
      times.push(last.ms);
      cpuTimes.push(last.cpuMs);
    }
    times.sort((a, b) => a - b);
    cpuTimes.sort((a, b) => a - b);
    return { bytes, median: median(cpuTimes), min: cpuTimes[0], max: cpuTimes[cpuTimes.length - 1], wall: median(times), exitCode: last.exitCode, outputBytes: last.outputBytes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const args = parseArgs(process.argv.slice(2));
const shapes = SHAPES.filter((shape) => !args.only || args.only.includes(shape.id));
const rows = [];
for (const shape of shapes) {
  let previous;
  for (const scale of args.scales) {
    const result = measure(shape, scale, args);
    const measured = result.median !== undefined;
    const ratio = measured && previous?.median !== undefined ? (result.median / previous.median).toFixed(1) : '';
    const time = result.timedOut ? `> ${args.timeout} s (timed out)` : result.failed ? result.failed : `${seconds(result.median)} (${seconds(result.min)}–${seconds(result.max)})`;
    const row = `| ${shape.id} | ${scale}× | ${kb(result.bytes)} | ${time} | ${ratio} | ${measured ? seconds(result.wall) : ''} | ${measured ? kb(result.outputBytes) : ''} | ${measured ? result.exitCode : ''} |`;
    console.error(row);
    rows.push(row);
    previous = result;
    if (result.timedOut) break; // a larger size would only time out later
  }
}

const table = [
  `| shape | scale | input | CPU s, median (min–max) of ${args.runs} | ratio to previous scale | wall s, median | stdout | exit |`,
  '|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows,
].join('\n');
const shapeList = shapes.map((shape) => `- \`${shape.id}\`: ${shape.what}; \`edgewise ${shape.command.join(' ')}\``).join('\n');
const cpus = os.cpus();
const report = `# Scaling benchmark

Generated by \`node bench/scaling/run.mjs\` (after \`npm run build\`). Each shape of
\`bench/scaling/shapes.mjs\` at 1×, 10× and 100× (100× is the size issue 9 reported); the real CLI runs
on it ${args.runs} times. Times are CPU time (user + system, from GNU time; wall time where it is
missing), which other work on a busy machine disturbs less than wall time; a run that passes the
timeout (wall time) ends the shape. Linear work gives a ratio near 10 per 10× step, quadratic work
near 100. The 1× time is mostly node's start-up, so the 1×→10× ratio understates the slope: read
the 10×→100× one.

- ${new Date().toISOString().slice(0, 10)}, ${process.env.EDGEWISE_BIN ? `build ${process.env.EDGEWISE_BIN}` : 'build bin/edgewise.js'}, node ${process.version}, ${os.platform()} ${os.release()} ${os.arch()}, ${cpus.length} × ${cpus[0]?.model ?? 'cpu'}

${shapeList}

${table}
`;
console.log(table);
if (!args.only && args.scales.join(',') === '1,10,100') fs.writeFileSync(path.join(HERE, 'RESULTS.md'), report);
