#!/usr/bin/env node
// Tooling benchmark (issue 15): edgewise lint and validate against ajv-cli and the read +
// JSON.parse floor, on two manifest sets at 100, 1,000 and 10,000 files; cold start against
// `node -e 0`; a pre-commit style run in batches; peak RSS of each. Every figure is a median of
// interleaved runs with min–max, beside the load average it was measured under.
//
//   node bench/run.mjs tooling [options]      (or node bench/tooling/run.mjs [options]; --help lists them)
//
// Markdown on stdout (progress on stderr); raw runs and figures in bench/.data/tooling-results.json.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAverage } from '../common/load-average.mjs';
import { summary } from '../common/stats.mjs';
import { analyseColdStart, analyseLinearity, analyseManyFiles, analysePreCommit } from './analysis.mjs';
import { checkCanary } from './canary.mjs';
import { measureColdStart } from './cold-start.mjs';
import { prepareCommunitySchema } from './community-schema.mjs';
import { ensureSet, SETS } from './data-sets.mjs';
import { describeMachine } from './machine.mjs';
import { measureManyFiles } from './many-files.mjs';
import { parseToolingOptions, USAGE, UsageError } from './options.mjs';
import { measurePreCommit } from './pre-commit.mjs';
import { renderToolingReport } from './report.mjs';
import { checkTargets } from './targets.mjs';
import { findGnuTime, runTimed } from './timed-command.mjs';
import { defineTools } from './tools.mjs';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const log = (line) => process.stderr.write(`[bench:tooling] ${line}\n`);

function parseOrExit(argv) {
  try {
    return parseToolingOptions(argv, ROOT);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n${USAGE}\n`);
    process.exit(2);
  }
}

function main() {
  const options = parseOrExit(process.argv.slice(2));
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const started = performance.now();
  const logs = path.join(options.data, 'logs');
  fs.mkdirSync(logs, { recursive: true });
  const machine = { ...describeMachine(ROOT), loadAtStart: loadAverage() };
  const gnuTime = findGnuTime(logs);
  const loads = [];
  const timed = (withRss) => (name, command) => {
    const result = runTimed(name, command, { cwd: ROOT, logs, gnuTime: withRss ? gnuTime : undefined });
    loads.push(result.load1);
    return result;
  };

  const sets = SETS.filter((set) => options.sets.includes(set.id)).map((set) => {
    const folders = options.sizes.map((count) => ensureSet(options.data, set, count, log));
    return { ...set, folders, largest: folders.at(-1) };
  });
  const generated = sets.find((set) => set.id === 'generated').largest;
  const baseline = process.env.EDGEWISE_BASELINE ? path.resolve(process.env.EDGEWISE_BASELINE) : undefined;
  // A copy of bin/ and dist/ stays the same while others rebuild this tree during a long run.
  const build = process.env.EDGEWISE_BENCH_BUILD ? path.resolve(process.env.EDGEWISE_BENCH_BUILD) : undefined;
  if (build) machine.edgewise += `, measured from a copy of its build in ${build}`;
  const tools = defineTools({
    root: ROOT,
    node: process.execPath,
    edgewiseBin: path.join(build ?? ROOT, 'bin/edgewise.js'),
    baselineBin: baseline && path.join(baseline, 'bin/edgewise.js'),
    schema: prepareCommunitySchema(path.join(options.data, 'community')),
    extraArgs: (process.env.EDGEWISE_BENCH_EXTRA_ARGS ?? '').split(/\s+/).filter(Boolean),
    variants: options.variants,
  });
  const byId = Object.fromEntries(tools.map((tool) => [tool.id, tool]));
  const canary = checkCanary({ validFile: generated.smallestFile, dir: path.join(options.data, 'canary'), ajv: byId['ajv-cli'], edgewise: byId.validate, run: timed(false) });
  log(`canary (restartPolicy "on-failured"): ajv-cli ${canary.ajvCli}, edgewise ${canary.edgewise}`);

  const warm = (dir) => timed(false)('warm-page-cache', byId['floor-read'].many(dir));
  const manyTools = tools.filter((tool) => tool.many);
  const folders = sets.flatMap((set) => set.folders.map((folder) => ({ set: set.id, count: folder.count, dir: folder.dir, files: folder.files })));
  const manyRaw = measureManyFiles({ folders, tools: manyTools, reps: options.reps, run: timed(true), warm, log });

  const coldFile = { file: generated.smallestFile, bytes: fs.statSync(generated.smallestFile).size };
  const coldRaw = measureColdStart({ file: coldFile.file, tools: tools.filter((tool) => tool.one), warmups: options.coldWarmups, runs: options.coldRuns, run: timed(false), runWithRss: timed(true), log });

  const preCommitFiles = generated.names.slice(0, options.precommitFiles);
  const preCommitRaw = measurePreCommit({ files: preCommitFiles, batch: options.batch, tools: tools.filter((tool) => tool.batch), reps: options.reps, run: timed(true), log });

  const many = analyseManyFiles(manyRaw);
  const cold = analyseColdStart(coldRaw);
  const preCommit = analysePreCommit(preCommitRaw.results);
  const linearity = analyseLinearity(many, cold, manyTools);
  const largest = options.sizes.at(-1);
  const targets = checkTargets({ many, linearity, cold, preCommit, largest, hasBaseline: Boolean(baseline) });
  machine.loadAtEnd = loadAverage();
  machine.loadWhileMeasuring = summary(loads) ?? null;

  const commands = [
    ...manyTools.map((tool) => [tool.label, tool.many(generated.dir)]),
    ...tools.filter((tool) => tool.batch && !tool.many).map((tool) => [tool.label, tool.batch(preCommitFiles.slice(0, 2))]),
  ];
  const report = {
    options,
    machine,
    baseline: baseline ?? null,
    gnuTime: Boolean(gnuTime),
    canary,
    sets: sets.map(({ folders: setFolders, largest: top, ...set }) => ({ ...set, largest: withoutNames(top), folders: setFolders.map(withoutNames) })),
    tools: tools.map(({ id, label, kind, many: m, one, batch }) => ({ id, label, kind, many: Boolean(m), one: Boolean(one), batch: Boolean(batch) })),
    coldFile,
    preCommitBatches: preCommitRaw.batches,
    many,
    linearity,
    cold,
    preCommit,
    targets,
    commands,
    raw: { many: manyRaw, cold: coldRaw, preCommit: preCommitRaw.results },
  };
  report.totalSeconds = (performance.now() - started) / 1000;
  const markdown = renderToolingReport(report);
  fs.mkdirSync(path.dirname(options.json), { recursive: true });
  fs.writeFileSync(options.json, `${JSON.stringify({ ...report, markdown }, null, 2)}\n`);
  process.stdout.write(`${markdown}\n`);
  log(`wrote ${path.relative(ROOT, options.json)}`);
  const failed = [...Object.values(many).flatMap((bySize) => Object.values(bySize).flatMap(Object.values)), ...Object.values(cold), ...Object.values(preCommit)].some((row) => row.failed);
  process.exitCode = failed || canary.problem ? 1 : 0;
}

function withoutNames({ names, ...folder }) {
  return folder;
}

main();
