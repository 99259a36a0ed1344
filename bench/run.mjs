#!/usr/bin/env node
// One command for every benchmark (`npm run bench` builds, then runs this).
//
//   node bench/run.mjs                        every benchmark, in the order of bench/suites.mjs
//   node bench/run.mjs NAME [NAME...]         only these (tooling, routes, scaling, hub)
//   node bench/run.mjs NAME [options]         options after one NAME go to that benchmark (NAME --help)
//   node bench/run.mjs [NAME...] --quick      a smoke run of each
//   node bench/run.mjs --list
//
// Each benchmark runs in its own process and prints its Markdown on stdout, progress on stderr.
// A run of several ends with its outline (exit code, duration and load average of each), also in
// bench/.data/bench-run.json.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatLoad, loadAverage } from './common/load-average.mjs';
import { SUITES } from './suites.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUTLINE = path.join(ROOT, 'bench/.data/bench-run.json');
const USAGE = `usage: node bench/run.mjs [${SUITES.map((s) => s.name).join('|')} ...] [--quick] [options for one benchmark]
       node bench/run.mjs --list`;

function fail(message) {
  process.stderr.write(`${message}\n${USAGE}\n`);
  process.exit(2);
}

function parse(argv) {
  const names = [];
  let i = 0;
  for (; i < argv.length && !argv[i].startsWith('-'); i++) {
    if (!SUITES.some((suite) => suite.name === argv[i])) fail(`unknown benchmark "${argv[i]}": choose from ${SUITES.map((s) => s.name).join(', ')}`);
    names.push(argv[i]);
  }
  const rest = argv.slice(i);
  const quick = rest.includes('--quick');
  const passed = rest.filter((arg) => arg !== '--quick');
  if (passed.includes('--list')) return { list: true };
  if ((passed.includes('--help') || passed.includes('-h')) && names.length === 0) return { help: true };
  if (passed.length && names.length !== 1) fail(`options (${passed.join(' ')}) go to one benchmark: name exactly one`);
  const chosen = names.length ? SUITES.filter((suite) => names.includes(suite.name)) : SUITES;
  return { suites: chosen, quick, passed };
}

function main() {
  const options = parse(process.argv.slice(2));
  if (options.help) return void process.stdout.write(`${USAGE}\n`);
  if (options.list) return void process.stdout.write(SUITES.map((s) => `${s.name.padEnd(8)} ${s.about}`).join('\n') + '\n');
  const outline = { started: new Date().toISOString(), quick: options.quick, suites: [] };
  for (const suite of options.suites) {
    const args = [...(options.quick ? suite.quick : suite.full), ...options.passed];
    const loadBefore = loadAverage();
    const start = performance.now();
    process.stderr.write(`[bench] ${suite.name}: node ${suite.script} ${args.join(' ')}\n`);
    const run = spawnSync(process.execPath, [path.join(ROOT, suite.script), ...args], { cwd: ROOT, stdio: 'inherit' });
    const status = run.status ?? 1;
    outline.suites.push({ name: suite.name, args, status, signal: run.signal, seconds: (performance.now() - start) / 1000, loadBefore, loadAfter: loadAverage() });
    process.stdout.write('\n');
  }
  // One benchmark has its own results file; the outline is for a run of several.
  if (outline.suites.length > 1) {
    const rows = outline.suites.map((s) => `| ${s.name} | ${s.status} | ${s.seconds.toFixed(0)} | ${formatLoad(s.loadBefore)} | ${formatLoad(s.loadAfter)} |`);
    process.stdout.write(['## This run', '', '| benchmark | exit | seconds | load before (1 / 5 / 15 min) | load after |', '|---|---:|---:|---:|---:|', ...rows, ''].join('\n'));
    fs.mkdirSync(path.dirname(OUTLINE), { recursive: true });
    fs.writeFileSync(OUTLINE, `${JSON.stringify(outline, null, 2)}\n`);
  }
  process.exitCode = outline.suites.some((s) => s.status !== 0) ? 1 : 0;
}

main();
