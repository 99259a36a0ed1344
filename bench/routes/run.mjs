#!/usr/bin/env node
// Route condition parser benchmark: parse time against nesting depth (10 to 1,000 levels), and
// 10,000 seeded random conditions, for the current parser (dist/, built by `npm run build`) and
// the previous one as the peer (a build of the starting commit, whose ANTLR-style lookahead
// refuses conditions nested past 24 levels; compared where both run).
//
//   node bench/routes/run.mjs [--baseline DIR] [--runs 5] [--count 10000] [--seed N]
//                             [--baseline-runs 1] [--out bench/routes/RESULTS.md]
//
//   --baseline DIR   the peer's dist/ folder (default /tmp/edgewise-baseline/dist; skipped if absent)
//
// Each figure is the median of --runs samples with min–max. A sample times enough calls to
// last at least 20 ms and reports the time per call. Prints Markdown; --out also writes it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_SEED, randomConditions } from "./random-conditions.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");

function parseArgs(argv) {
  const a = { baseline: "/tmp/edgewise-baseline/dist", runs: 5, count: 10000, seed: DEFAULT_SEED, baselineRuns: 1, out: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    if (k === "--baseline") a.baseline = val();
    else if (k === "--runs") a.runs = Number(val());
    else if (k === "--count") a.count = Number(val());
    else if (k === "--seed") a.seed = Number(val());
    else if (k === "--baseline-runs") a.baselineRuns = Number(val());
    else if (k === "--out") a.out = val();
    else {
      console.error(`unknown argument: ${argv[i]}\nusage: node bench/routes/run.mjs [--baseline DIR] [--runs 5] [--count 10000] [--seed N] [--baseline-runs 1] [--out FILE]`);
      process.exit(2);
    }
  }
  return a;
}

const args = parseArgs(process.argv.slice(2));
const current = path.join(ROOT, "dist/routes/index.js");
if (!fs.existsSync(current)) {
  console.error("dist/routes/index.js is missing: run `npm run build` first");
  process.exit(2);
}
const now = await import(pathToFileURL(current).href);
const peerPath = path.join(args.baseline, "routes/index.js");
const peer = fs.existsSync(peerPath) ? await import(pathToFileURL(peerPath).href) : undefined;

// ---------------------------------------------------------------- timing
function sample(fn) {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < 20);
  return elapsed / calls;
}

function measure(fn, runs) {
  fn(); // warm-up
  const times = Array.from({ length: runs }, () => sample(fn)).sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)], min: times[0], max: times[times.length - 1] };
}

function ms(t) {
  if (t >= 100) return t.toFixed(0);
  if (t >= 1) return t.toFixed(2);
  return t.toFixed(3);
}
const cell = (m) => `${ms(m.median)} (${ms(m.min)}–${ms(m.max)})`;

// ---------------------------------------------------------------- nesting depth
const DEPTHS = [10, 20, 24, 50, 100, 250, 500, 1000];
const SHAPES = {
  "parentheses only": (d) => `${"(".repeat(d)}temperature > 30${")".repeat(d)}`,
  "a comparison per level": (d) =>
    Array.from({ length: d }, (_, i) => `(p${i} = 'v${i}' AND `).join("") + "temperature > 30" + ")".repeat(d),
};
const route = (condition) => `FROM /messages/modules/sensor/outputs/* WHERE ${condition} INTO $upstream`;

function runsOn(lib, text) {
  const parsed = lib.parseCondition(text);
  return parsed.ok ? "ok" : parsed.error.message.includes("levels deep") ? "refused" : "error";
}

// Warm up on every input first, so the first rows do not pay for compiling the parser.
for (const make of Object.values(SHAPES)) {
  for (const depth of DEPTHS) {
    for (let i = 0; i < 3; i++) {
      now.parseCondition(make(depth));
      now.parseRoute(route(make(depth)));
    }
  }
}

const depthRows = [];
for (const [shape, make] of Object.entries(SHAPES)) {
  for (const depth of DEPTHS) {
    const text = make(depth);
    const tokens = now.lex(text).tokens.length - 1;
    const row = { shape, depth, tokens };
    row.verdict = runsOn(now, text);
    row.condition = measure(() => now.parseCondition(text), args.runs);
    row.route = measure(() => now.parseRoute(route(text)), args.runs);
    if (peer) {
      row.peerVerdict = runsOn(peer, text);
      if (row.peerVerdict !== "refused") {
        row.peerCondition = measure(() => peer.parseCondition(text), args.runs);
        row.peerRoute = measure(() => peer.parseRoute(route(text)), args.runs);
      }
    }
    depthRows.push(row);
    process.stderr.write(`depth ${depth} (${shape}): ${ms(row.condition.median)} ms\n`);
  }
}

// ---------------------------------------------------------------- random conditions
const conditions = randomConditions(args.count, args.seed);
const chars = conditions.reduce((n, c) => n + c.length, 0);

/** One timed pass over every condition: the total, and the time of each. */
function pass(lib, withCost, results) {
  const times = new Float64Array(conditions.length);
  let lookahead = 0;
  const start = performance.now();
  conditions.forEach((text, i) => {
    const t = performance.now();
    let result;
    if (withCost) {
      const cost = { tokenVisits: 0, lookaheadSteps: 0 };
      result = lib.parseCondition(text, 0, cost);
      if (cost.lookaheadSteps > 0) lookahead++;
    } else result = lib.parseCondition(text);
    times[i] = performance.now() - t;
    results?.push(result);
  });
  return { total: performance.now() - start, times, lookahead };
}

function randomRow(lib, runs, withCost, results) {
  // The first pass collects the results to compare; it is also the warm-up, or the only
  // measurement when one pass is asked for (the peer takes minutes per pass).
  const first = pass(lib, withCost, results);
  const passes = (runs > 1 ? Array.from({ length: runs }, () => pass(lib, withCost)) : [first]).sort((x, y) => x.total - y.total);
  const median = passes[Math.floor(passes.length / 2)];
  // Per condition, the median over the passes: one pass's maximum is mostly a GC pause.
  const perCondition = conditions.map((_, i) => passes.map((p) => p.times[i]).sort((x, y) => x - y)[Math.floor(passes.length / 2)]).sort((x, y) => x - y);
  return {
    total: { median: median.total, min: passes[0].total, max: passes[passes.length - 1].total },
    p99: perCondition[Math.floor(perCondition.length * 0.99)],
    slowest: perCondition[perCondition.length - 1],
    lookahead: median.lookahead,
  };
}

const nowResults = [];
const randomNow = randomRow(now, args.runs, true, nowResults);
let randomPeer;
let agree;
if (peer) {
  process.stderr.write("random: the peer (slow: a pass takes minutes)\n");
  const peerResults = [];
  randomPeer = randomRow(peer, args.baselineRuns, false, peerResults);
  const shapeOf = (r) => (r.ok ? JSON.stringify([r.ast, r.trailingText ?? null]) : `error at ${r.error.offset}`);
  agree = nowResults.filter((r, i) => shapeOf(r) === shapeOf(peerResults[i])).length;
}
const verdicts = { ok: 0, trailing: 0, error: 0 };
for (const r of nowResults) verdicts[r.ok ? (r.trailingText ? "trailing" : "ok") : "error"]++;

// ---------------------------------------------------------------- report
const cpus = os.cpus();
const lines = [];
lines.push("# Route condition parser benchmark", "");
lines.push(`- ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${os.platform()} ${os.arch()}, ${cpus[0]?.model.trim() ?? "unknown CPU"} × ${cpus.length}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(" ")}`);
lines.push(`- now: \`${path.relative(ROOT, current)}\`; peer: ${peer ? `\`${peerPath}\` (the previous parser)` : "not found (skipped)"}`);
lines.push(`- nesting depth: ms per parse, median of ${args.runs} samples (min–max); a sample repeats the parse for at least 20 ms`);
lines.push(`- random conditions: a pass parses all of them once; per-condition figures are each condition's median over the passes`);
lines.push("- condition: `parseCondition(text)`; route: `parseRoute(\"FROM /messages/modules/sensor/outputs/* WHERE <condition> INTO $upstream\")`, which also parses the condition on its own, as linting does", "");
lines.push("## Nesting depth", "");
lines.push("| shape | depth | tokens | now: condition | now: route | peer: condition | peer: route |");
lines.push("|---|---:|---:|---:|---:|---:|---:|");
for (const r of depthRows) {
  const peerCells = !peer ? ["–", "–"] : r.peerVerdict === "refused" ? ["refused (24 levels)", "refused"] : [cell(r.peerCondition), cell(r.peerRoute)];
  lines.push(`| ${r.shape} | ${r.depth} | ${r.tokens} | ${cell(r.condition)}${r.verdict === "ok" ? "" : ` ${r.verdict}`} | ${cell(r.route)} | ${peerCells.join(" | ")} |`);
}
lines.push("", `## ${conditions.length.toLocaleString("en")} random conditions (seed ${args.seed})`, "");
lines.push(`${chars.toLocaleString("en")} characters (\`bench/routes/random-conditions.mjs\`): ${verdicts.ok} parse, ${verdicts.trailing} parse with ignored trailing text, ${verdicts.error} are syntax errors. ${randomNow.lookahead} are not well formed and take ANTLR-style lookahead.`, "");
lines.push("| parser | passes | all conditions, ms | mean per condition, ms | p99 condition, ms | slowest condition, ms |");
lines.push("|---|---:|---:|---:|---:|---:|");
lines.push(`| now | ${args.runs} | ${cell(randomNow.total)} | ${ms(randomNow.total.median / conditions.length)} | ${ms(randomNow.p99)} | ${ms(randomNow.slowest)} |`);
if (randomPeer) {
  lines.push(`| peer | ${args.baselineRuns} | ${cell(randomPeer.total)} | ${ms(randomPeer.total.median / conditions.length)} | ${ms(randomPeer.p99)} | ${ms(randomPeer.slowest)} |`);
  lines.push("", `Same result (syntax tree and ignored text, or error offset) from both parsers: ${agree} of ${conditions.length}.`);
}
const report = lines.join("\n") + "\n";
process.stdout.write(report);
if (args.out) fs.writeFileSync(path.resolve(args.out), report);
