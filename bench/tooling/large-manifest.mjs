#!/usr/bin/env node
// One large manifest (issue 16: "lint RSS on a 5 MB manifest"): edgewise lint and validate on a
// single 5 MB deployment manifest against ajv-cli with the community schema and the read +
// JSON.parse floor, wall-clock time from spawn to exit and peak RSS (GNU time), interleaved
// repetitions in a rotating order, each ratio taken against ajv-cli's run of the same repetition.
//
//   node bench/run.mjs large-manifest [--quick] [--bytes 5000000] [--reps 5] [--data DIR] [--json FILE]
//
//   --quick   a 1 MB manifest, 1 repetition
//   EDGEWISE_BENCH_BUILD=DIR   measure the build in DIR (its bin/ and dist/) instead of this tree's
// Markdown on stdout (progress on stderr); raw runs in bench/.data/large-manifest-results.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLoad, loadAverage } from '../common/load-average.mjs';
import { cell, decimal, integer, pairedRatios, summary } from '../common/stats.mjs';
import { prepareCommunitySchema } from './community-schema.mjs';
import { describeMachine } from './machine.mjs';
import { mergedManifest } from './merged-manifest.mjs';
import { findGnuTime, runTimed } from './timed-command.mjs';
import { defineTools, shownCommand } from './tools.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USAGE = 'usage: node bench/run.mjs large-manifest [--quick] [--bytes 5000000] [--reps 5] [--data DIR] [--json FILE]';
const TOOL_IDS = ['floor-parse', 'ajv-cli', 'validate', 'lint'];
const log = (line) => process.stderr.write(`[bench:large-manifest] ${line}\n`);

function parse(argv) {
  const given = {};
  for (let i = 0; i < argv.length; i++) {
    const [key, inline] = argv[i].includes('=') ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const value = () => inline ?? argv[++i];
    const positive = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) usage(`${key} takes a positive integer`);
      return n;
    };
    if (key === '--quick') given.quick = true;
    else if (key === '--bytes') given.bytes = positive();
    else if (key === '--reps') given.reps = positive();
    else if (key === '--data') given.data = path.resolve(value());
    else if (key === '--json') given.json = path.resolve(value());
    else if (key === '--help' || key === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else usage(`unknown argument: ${argv[i]}`);
  }
  return {
    quick: given.quick === true,
    bytes: given.bytes ?? (given.quick ? 1_000_000 : 5_000_000),
    reps: given.reps ?? (given.quick ? 1 : 5),
    data: given.data ?? path.join(ROOT, 'bench/.data/large-manifest'),
    json: given.json ?? path.join(ROOT, 'bench/.data/large-manifest-results.json'),
  };
}

function usage(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

const megabytes = (bytes) => `${decimal(bytes / 1e6)} MB`;

function render(report) {
  const { machine, manifest, rows, options } = report;
  const load = report.loadWhileMeasuring;
  const lines = [
    `## One large manifest: \`npm run bench -- large-manifest\``,
    '',
    `Run of ${machine.date.slice(0, 16).replace('T', ' ')} UTC: \`${report.command}\`; edgewise ${machine.edgewise}; node ${machine.node}, ${machine.os}; ${machine.cpu}, ${machine.cores} cores, ${machine.memGiB} GiB RAM; ajv-cli ${machine.versions.ajvCli} (ajv ${machine.versions.ajv}).`,
    '',
    `- the manifest: ${megabytes(manifest.bytes)} (${integer(manifest.bytes)} bytes) of pretty-printed JSON, ${integer(manifest.modules)} modules and ${integer(manifest.routes)} routes: the first ${integer(manifest.files)} files of the "other names" set merged into one (bench/tooling/merged-manifest.mjs)`,
    `- ${options.reps} repetition${options.reps > 1 ? 's' : ''}, interleaved in a rotating order; time from spawn to exit (node start-up included), warm page cache; peak RSS from \`/usr/bin/time -f %M\`${report.gnuTime ? '' : ' (not available on this machine)'}; median (min–max); a ratio is taken run by run against ajv-cli's run of the same repetition`,
    `- load average (1 / 5 / 15 min): ${formatLoad(machine.loadAtStart)} at the start, ${formatLoad(machine.loadAtEnd)} at the end; 1-minute load at the start of each run: ${load ? `${decimal(load.min, 2)}–${decimal(load.max, 2)}` : 'n/a'}`,
    '',
    '| command | time s | ratio to ajv-cli | peak RSS MB | RSS ratio to ajv-cli | load (1 min) |',
    '|---|---:|---:|---:|---:|---:|',
  ];
  const ajv = rows.find((row) => row.id === 'ajv-cli');
  for (const row of rows) {
    if (row.failed) {
      lines.push(`| ${row.label} | **failed**: ${row.failed.split('\n')[0]} | | | | |`);
      continue;
    }
    const loads = summary(row.runs.map((r) => r.load1));
    lines.push(`| ${row.label} | ${cell(row.runs.map((r) => r.ms / 1000), (n) => decimal(n, 3))} | ${ajv?.failed ? 'n/a' : cell(pairedRatios(row.runs.map((r) => r.ms), ajv.runs.map((r) => r.ms)), (n) => `${decimal(n, 2)}×`)} | ${cell(row.runs.map((r) => r.rssMB ?? NaN), (n) => decimal(n))} | ${ajv?.failed ? 'n/a' : cell(pairedRatios(row.runs.map((r) => r.rssMB ?? NaN), ajv.runs.map((r) => r.rssMB ?? NaN)), (n) => `${decimal(n, 2)}×`)} | ${decimal(loads.min, 2)}–${decimal(loads.max, 2)} |`);
  }
  lines.push('', 'Commands:', '', ...rows.map((row) => `- ${row.label}: \`${row.command}\``), '');
  return lines.join('\n');
}

function main() {
  const options = parse(process.argv.slice(2));
  const logs = path.join(options.data, 'logs');
  const folder = path.join(options.data, 'manifest');
  fs.rmSync(folder, { recursive: true, force: true });
  fs.mkdirSync(logs, { recursive: true });
  fs.mkdirSync(folder, { recursive: true });
  const machine = { ...describeMachine(ROOT), loadAtStart: loadAverage() };
  const built = mergedManifest(options.bytes);
  const file = path.join(folder, 'deployment.json');
  fs.writeFileSync(file, built.text);
  const manifest = { bytes: Buffer.byteLength(built.text), files: built.files, modules: built.modules, routes: built.routes };
  log(`${megabytes(manifest.bytes)} manifest with ${manifest.modules} modules written to ${path.relative(ROOT, file)}`);

  const gnuTime = findGnuTime(logs);
  // A copy of bin/ and dist/ stays the same while others rebuild this tree.
  const build = process.env.EDGEWISE_BENCH_BUILD ? path.resolve(process.env.EDGEWISE_BENCH_BUILD) : ROOT;
  if (build !== ROOT) machine.edgewise += `, measured from a copy of its build in ${build}`;
  const tools = defineTools({ root: ROOT, node: process.execPath, edgewiseBin: path.join(build, 'bin/edgewise.js'), schema: prepareCommunitySchema(path.join(options.data, 'community')), extraArgs: [] });
  const chosen = TOOL_IDS.map((id) => tools.find((tool) => tool.id === id));
  const commandOf = (tool) => (tool.one ? tool.one(file) : tool.many(folder));
  const rows = chosen.map((tool) => ({ id: tool.id, label: tool.label, command: shownCommand(commandOf(tool)), runs: [], failed: tool.available }));
  // One unmeasured run of each first: the page cache warm, the build's code cache written.
  for (const tool of chosen) runTimed(`${tool.id}-warm`, commandOf(tool), { cwd: ROOT, logs });
  for (let rep = 0; rep < options.reps; rep++) {
    for (let k = 0; k < chosen.length; k++) {
      const index = (k + rep) % chosen.length;
      const [tool, row] = [chosen[index], rows[index]];
      if (row.failed) continue;
      const run = runTimed(`${tool.id}-${rep}`, commandOf(tool), { cwd: ROOT, logs, gnuTime });
      const problem = tool.check(run, 1);
      if (problem) row.failed = problem;
      else row.runs.push({ ms: run.ms, rssMB: run.rssMB, load1: run.load1 });
      log(`rep ${rep + 1}/${options.reps} ${tool.label}: ${problem ? `failed: ${problem.split('\n')[0]}` : `${(run.ms / 1000).toFixed(3)} s, ${run.rssMB?.toFixed(1) ?? '?'} MB`}, load ${run.load1}`);
    }
  }
  machine.loadAtEnd = loadAverage();
  const report = { command: `node bench/run.mjs large-manifest ${process.argv.slice(2).join(' ')}`.trim(), options, machine, manifest, gnuTime: Boolean(gnuTime), rows, loadWhileMeasuring: summary(rows.flatMap((row) => row.runs.map((r) => r.load1))) ?? null };
  const markdown = render(report);
  fs.mkdirSync(path.dirname(options.json), { recursive: true });
  fs.writeFileSync(options.json, `${JSON.stringify({ ...report, markdown }, null, 2)}\n`);
  process.stdout.write(markdown);
  process.exitCode = rows.some((row) => row.failed) ? 1 : 0;
}

main();
