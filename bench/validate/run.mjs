#!/usr/bin/env node
// Validation benchmark: JSON.parse floor vs ajv-cli (community schema) vs `edgewise validate`,
// all on the same generated manifests in one run, plus cold start.
//
//   node bench/validate/run.mjs [--count 10000] [--quick] [--seed N] [--reps N] [--cold-runs N]
//
//   --quick        1,000 files, 1 repetition, short cold start (smoke test)
//   EDGEWISE_BENCH_EXTRA_ARGS="--flag value"   extra args appended to every edgewise command
//
// Writes bench/.data/validate-results.json and prints Markdown tables to stdout.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { generateManifests, DEFAULT_SEED, GENERATOR_VERSION } from "../generate-manifests.mjs";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const DATA = path.join(ROOT, "bench/.data");
const MANIFEST_DIR = path.join(DATA, "manifests");
const MARKER = path.join(DATA, "manifests.marker.json");
const COMMUNITY_SRC = path.join(ROOT, "bench/community-schema");
const COMMUNITY_OUT = path.join(DATA, "community");
const COMMUNITY_MAIN = "azure-iot-edge-deployment-2.0.json";
const LOGS = path.join(DATA, "logs");
const RESULTS = path.join(DATA, "validate-results.json");
const EDGEWISE_BIN = path.join(ROOT, "bin/edgewise.js");
const AJV_CLI = path.join(ROOT, "node_modules/ajv-cli/dist/index.js");
const FLOOR = path.join(HERE, "floor.mjs");
const NODE = process.execPath;
const rel = (p) => path.relative(ROOT, p) || ".";

// ---------------------------------------------------------------- args
function parseArgs(argv) {
  const a = { count: undefined, quick: false, seed: DEFAULT_SEED, reps: undefined, coldRuns: undefined };
  for (let i = 0; i < argv.length; i++) {
    const [k, inline] = argv[i].includes("=") ? argv[i].split(/=(.*)/s, 2) : [argv[i], undefined];
    const val = () => Number(inline !== undefined ? inline : argv[++i]);
    if (k === "--count") a.count = val();
    else if (k === "--quick") a.quick = true;
    else if (k === "--seed") a.seed = val();
    else if (k === "--reps") a.reps = val();
    else if (k === "--cold-runs") a.coldRuns = val();
    else if (k === "--help" || k === "-h") {
      console.log("usage: node bench/validate/run.mjs [--count 10000] [--quick] [--seed N] [--reps N] [--cold-runs N]");
      process.exit(0);
    } else {
      console.error(`unknown argument: ${argv[i]}`);
      process.exit(2);
    }
  }
  a.count ??= a.quick ? 1000 : 10000;
  a.reps ??= a.quick ? 1 : 3;
  a.coldRuns ??= a.quick ? 5 : 20;
  a.coldWarmups = a.quick ? 1 : 3;
  for (const k of ["count", "seed", "reps", "coldRuns"]) {
    if (!Number.isInteger(a[k]) || (k !== "seed" && a[k] < 1)) {
      console.error(`--${k} must be a positive integer`);
      process.exit(2);
    }
  }
  return a;
}

// ---------------------------------------------------------------- utilities
const log = (...m) => console.error("[bench]", ...m); // progress on stderr, results on stdout

function sha1(s) {
  return crypto.createHash("sha1").update(s).digest("hex");
}

function quantile(sorted, q) {
  // linear interpolation between closest ranks (numpy default)
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

let TIME_BIN = null; // GNU time for peak RSS of children
function detectTime() {
  if (!fs.existsSync("/usr/bin/time")) return null;
  const tmp = path.join(LOGS, "time-probe.txt");
  const r = spawnSync("/usr/bin/time", ["-f", "%M", "-o", tmp, NODE, "-e", "0"], { stdio: "ignore" });
  if (r.status !== 0 || !fs.existsSync(tmp)) return null;
  const kb = Number(fs.readFileSync(tmp, "utf8").trim().split("\n").pop());
  return Number.isFinite(kb) && kb > 0 ? "/usr/bin/time" : null;
}

/**
 * Run a command once. stdout/stderr go to files under bench/.data/logs (like a user
 * redirecting output). Returns {status, ms (wall-clock incl. process start), rssMB, stdoutFile, stderrFile}.
 * With measureRss, the command runs under `/usr/bin/time -f %M` (adds ~1 ms of fork/exec).
 */
function runCmd(name, cmd, args, { measureRss = true } = {}) {
  const outFile = path.join(LOGS, `${name}.stdout`);
  const errFile = path.join(LOGS, `${name}.stderr`);
  const rssFile = path.join(LOGS, `${name}.rss`);
  const out = fs.openSync(outFile, "w");
  const err = fs.openSync(errFile, "w");
  let file = cmd;
  let argv = args;
  if (measureRss && TIME_BIN) {
    file = TIME_BIN;
    argv = ["-f", "%M", "-o", rssFile, cmd, ...args];
  }
  const t0 = process.hrtime.bigint();
  const r = spawnSync(file, argv, { cwd: ROOT, stdio: ["ignore", out, err], env: process.env });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.closeSync(out);
  fs.closeSync(err);
  let rssMB = null;
  if (measureRss && TIME_BIN && fs.existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the format line
    const kb = Number(fs.readFileSync(rssFile, "utf8").trim().split("\n").pop());
    if (Number.isFinite(kb)) rssMB = kb / 1024;
  }
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, ms, rssMB, stdoutFile: outFile, stderrFile: errFile };
}

function head(file, lines = 20, maxChars = 3000) {
  if (!fs.existsSync(file)) return "";
  const s = fs.readFileSync(file, "utf8");
  return s.slice(0, maxChars).split("\n").slice(0, lines).join("\n");
}

// ---------------------------------------------------------------- system info
function systemInfo() {
  let cpu = os.cpus()[0]?.model ?? "unknown";
  let cpuinfoCores = null;
  try {
    const ci = fs.readFileSync("/proc/cpuinfo", "utf8");
    const m = ci.match(/^model name\s*:\s*(.+)$/m);
    if (m) cpu = m[1].trim();
    cpuinfoCores = (ci.match(/^processor\s*:/gm) || []).length || null;
  } catch {
    /* not Linux */
  }
  const ver = (p) => {
    try {
      return JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules", p, "package.json"), "utf8")).version;
    } catch {
      return null;
    }
  };
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    cpu,
    cores: os.availableParallelism ? os.availableParallelism() : os.cpus().length,
    cpuinfoCores,
    memGB: +(os.totalmem() / 2 ** 30).toFixed(1),
    ajv: ver("ajv"),
    ajvCli: ver("ajv-cli"),
    date: new Date().toISOString(),
  };
}

// ---------------------------------------------------------------- data set
function listManifests() {
  if (!fs.existsSync(MANIFEST_DIR)) return [];
  return fs.readdirSync(MANIFEST_DIR).filter((f) => /^deployment-\d+\.json$/.test(f)).sort();
}

function sizeStats(files) {
  const sizes = files.map((f) => fs.statSync(path.join(MANIFEST_DIR, f)).size).sort((a, b) => a - b);
  const total = sizes.reduce((s, x) => s + x, 0);
  const smallest = files.find((f) => fs.statSync(path.join(MANIFEST_DIR, f)).size === sizes[0]);
  return {
    files: sizes.length,
    totalBytes: total,
    minBytes: sizes[0],
    p10Bytes: sizes[Math.floor(sizes.length * 0.1)],
    medianBytes: quantile(sizes, 0.5),
    p90Bytes: sizes[Math.floor(sizes.length * 0.9)],
    maxBytes: sizes[sizes.length - 1],
    smallestFile: smallest,
  };
}

function ensureManifests(count, seed) {
  const generatorHash = sha1(fs.readFileSync(path.join(ROOT, "bench/generate-manifests.mjs")));
  const want = { count, seed, generatorVersion: GENERATOR_VERSION, generatorHash };
  let marker = null;
  try {
    marker = JSON.parse(fs.readFileSync(MARKER, "utf8"));
  } catch {
    /* none */
  }
  const files = listManifests();
  const same =
    marker &&
    marker.count === count &&
    marker.seed === seed &&
    marker.generatorVersion === GENERATOR_VERSION &&
    marker.generatorHash === generatorHash &&
    files.length === count;
  if (same) {
    log(`reusing ${count} manifests in ${rel(MANIFEST_DIR)} (marker matches)`);
    return { generated: false, generateMs: null, ...sizeStats(files) };
  }
  log(`generating ${count} manifests (seed ${seed}) into ${rel(MANIFEST_DIR)} ...`);
  try {
    fs.unlinkSync(MARKER);
  } catch {
    /* none */
  }
  const t0 = performance.now();
  generateManifests({ count, seed, outDir: MANIFEST_DIR });
  const generateMs = performance.now() - t0;
  fs.writeFileSync(MARKER, JSON.stringify({ ...want, writtenAt: new Date().toISOString() }, null, 2) + "\n");
  return { generated: true, generateMs, ...sizeStats(listManifests()) };
}

// ---------------------------------------------------------------- community schema
// SchemaStore's azure-iot-edge-deployment-2.0.json is draft-04 (`id`). ajv-cli 5 (ajv 8) has no
// draft-04 mode, so a draft-07 copy is written to bench/.data/community/: `id` -> `$id`,
// `$schema` -> draft-07, boolean exclusiveMinimum/Maximum -> numeric. External `$ref`s (none in
// the 2.0 schema today) are resolved against bench/community-schema/ and passed with -r.
const SCHEMA_MAPS = ["properties", "patternProperties", "definitions", "$defs", "dependencies"];
const SCHEMA_ARRAYS = ["allOf", "anyOf", "oneOf", "items"];
const SCHEMA_SINGLE = ["not", "items", "additionalItems", "additionalProperties", "contains", "propertyNames", "if", "then", "else"];

function toDraft7(schema, refs, root = true) {
  if (!schema || typeof schema !== "object" || Array.isArray(schema)) return schema;
  const out = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === "id" && typeof v === "string") out.$id = v;
    else if (k === "$schema") out.$schema = "http://json-schema.org/draft-07/schema#";
    else if (SCHEMA_MAPS.includes(k) && v && typeof v === "object" && !Array.isArray(v)) {
      out[k] = Object.fromEntries(Object.entries(v).map(([n, s]) => [n, Array.isArray(s) ? s : toDraft7(s, refs, false)]));
    } else if (SCHEMA_ARRAYS.includes(k) && Array.isArray(v)) out[k] = v.map((s) => toDraft7(s, refs, false));
    else if (SCHEMA_SINGLE.includes(k) && v && typeof v === "object") out[k] = toDraft7(v, refs, false);
    else if (k === "$ref" && typeof v === "string") {
      if (!v.startsWith("#")) refs.add(v.split("#")[0]);
      out[k] = v;
    } else out[k] = v;
  }
  for (const [bool, num] of [["exclusiveMinimum", "minimum"], ["exclusiveMaximum", "maximum"]]) {
    if (typeof out[bool] === "boolean") {
      if (out[bool] && typeof out[num] === "number") {
        out[bool] = out[num];
        delete out[num];
      } else delete out[bool];
    }
  }
  if (root && !out.$schema) out.$schema = "http://json-schema.org/draft-07/schema#";
  return out;
}

function prepareCommunitySchema() {
  fs.mkdirSync(COMMUNITY_OUT, { recursive: true });
  const done = new Map(); // source basename -> converted path
  const queue = [COMMUNITY_MAIN];
  while (queue.length) {
    const name = queue.shift();
    if (done.has(name)) continue;
    const src = path.join(COMMUNITY_SRC, name);
    if (!fs.existsSync(src)) throw new Error(`community schema ${rel(src)} is missing (referenced schema?)`);
    const refs = new Set();
    const conv = toDraft7(JSON.parse(fs.readFileSync(src, "utf8")), refs);
    const dst = path.join(COMMUNITY_OUT, name.replace(/\.json$/, ".draft7.json"));
    fs.writeFileSync(dst, JSON.stringify(conv, null, 2) + "\n");
    done.set(name, dst);
    for (const r of refs) queue.push(path.basename(new URL(r, "https://json.schemastore.org/").pathname));
  }
  const main = done.get(COMMUNITY_MAIN);
  const extra = [...done.values()].filter((p) => p !== main);
  return { main, refs: extra };
}

// ---------------------------------------------------------------- edgewise output
function firstFindings(stdoutFile, n = 5) {
  const text = fs.existsSync(stdoutFile) ? fs.readFileSync(stdoutFile, "utf8") : "";
  let doc;
  try {
    doc = JSON.parse(text);
  } catch {
    return head(stdoutFile, 30);
  }
  const found = [];
  const walk = (v, p, depth) => {
    if (found.length >= n || depth > 6 || !v || typeof v !== "object") return;
    if (Array.isArray(v)) {
      const objs = v.filter((x) => x && typeof x === "object" && !Array.isArray(x));
      if (objs.some((x) => "message" in x || "severity" in x || "code" in x || "rule" in x)) {
        for (const x of objs) if (found.length < n) found.push(x);
        return;
      }
      for (const x of v) walk(x, p, depth + 1);
      return;
    }
    for (const [k, x] of Object.entries(v)) walk(x, `${p}.${k}`, depth + 1);
  };
  walk(doc, "$", 0);
  if (!found.length) return text.slice(0, 2000);
  return found.map((f) => JSON.stringify(f).slice(0, 600)).join("\n");
}

// ---------------------------------------------------------------- formatting
const f1 = (x) => (x == null || !Number.isFinite(x) ? "n/a" : x.toFixed(1));
const f2 = (x) => (x == null || !Number.isFinite(x) ? "n/a" : x.toFixed(2));
const f3 = (x) => (x == null || !Number.isFinite(x) ? "n/a" : x.toFixed(3));
const fInt = (x) => (x == null || !Number.isFinite(x) ? "n/a" : Math.round(x).toLocaleString("en-US"));
const fRatio = (x) => (x == null || !Number.isFinite(x) ? "n/a" : `${x.toFixed(x < 10 ? 2 : 1)}×`);

/** One-line summary of a multi-line failure text: "exit N" plus its first informative line. */
function summary(text) {
  const lines = text.split("\n").map((l) => l.trim()).filter(Boolean);
  const first = lines[0].replace(/[:;]\s*(stderr|first findings|first errors)?:?$/, "");
  const detail = lines.slice(1).find((l) => !/^(stdout|stderr):$/.test(l));
  return (detail ? `${first}: ${detail}` : first).replace(/\|/g, "\\|").slice(0, 200);
}

function mdTable(header, rows) {
  const align = (h, i) => (i === 0 || i === header.length - 1 ? "---" : "---:");
  const lines = [`| ${header.join(" | ")} |`, `|${header.map(align).join("|")}|`];
  for (const r of rows) lines.push(`| ${r.join(" | ")} |`);
  return lines.join("\n");
}

// ---------------------------------------------------------------- main
function main() {
  const args = parseArgs(process.argv.slice(2));
  fs.mkdirSync(LOGS, { recursive: true });
  TIME_BIN = detectTime();
  const sys = systemInfo();
  const extraArgs = (process.env.EDGEWISE_BENCH_EXTRA_ARGS || "").split(/\s+/).filter(Boolean);
  const tStart = performance.now();

  // ---- setup
  const data = ensureManifests(args.count, args.seed);
  const schema = prepareCommunitySchema();
  const globArg = `${rel(MANIFEST_DIR)}/*.json`;
  const ajvArgs = (dataArg) => [
    AJV_CLI, "validate",
    "-s", rel(schema.main),
    ...schema.refs.flatMap((r) => ["-r", rel(r)]),
    "-d", dataArg,
    "--spec=draft7", "--strict=false", "--all-errors=false", "--errors=text",
  ];
  const edgewiseExists = fs.existsSync(EDGEWISE_BIN);
  const edgewiseArgs = (target, command = "validate") => [rel(EDGEWISE_BIN), command, target, "--format", "json", ...extraArgs];
  const smallFile = path.join(MANIFEST_DIR, data.smallestFile);

  // Canary: a manifest with an invalid enum must be rejected (guards against a validator
  // or schema setup that accepts everything).
  const canaryDir = path.join(DATA, "canary");
  fs.mkdirSync(canaryDir, { recursive: true });
  const canaryFile = path.join(canaryDir, "invalid-restart-policy.json");
  {
    const doc = JSON.parse(fs.readFileSync(smallFile, "utf8"));
    const mods = doc.modulesContent.$edgeAgent["properties.desired"].modules;
    mods[Object.keys(mods)[0]].restartPolicy = "on-failured";
    fs.writeFileSync(canaryFile, JSON.stringify(doc, null, 2) + "\n");
  }
  const canary = {};
  {
    const r = runCmd("canary-ajv-cli", NODE, ajvArgs(rel(canaryFile)), { measureRss: false });
    canary.ajvCli = r.status === 1 ? "rejected" : `NOT rejected (exit ${r.status})`;
    const ok = runCmd("canary-ajv-cli-valid", NODE, ajvArgs(rel(smallFile)), { measureRss: false });
    if (ok.status !== 0) {
      console.error(`ajv-cli rejects a generated manifest (${rel(smallFile)}):\n${head(ok.stderrFile)}`);
      process.exit(1);
    }
    if (edgewiseExists) {
      const e = runCmd("canary-edgewise", NODE, edgewiseArgs(rel(canaryFile)), { measureRss: false });
      canary.edgewise = e.status === 1 ? "rejected" : `NOT rejected (exit ${e.status})`;
    }
  }
  log(`canary (restartPolicy "on-failured"): ajv-cli ${canary.ajvCli}${edgewiseExists ? `, edgewise ${canary.edgewise}` : ""}`);

  // ---- throughput rows, repetitions interleaved so drift hits every row alike
  const rows = {
    "floor-read": { cmd: [NODE, rel(FLOOR), "read", rel(MANIFEST_DIR)], runs: [], kind: "floor" },
    "floor-JSON.parse": { cmd: [NODE, rel(FLOOR), "parse", rel(MANIFEST_DIR)], runs: [], kind: "floor" },
    "ajv-cli": { cmd: [NODE, ...ajvArgs(globArg)], runs: [], kind: "ajv" },
    "edgewise validate": { cmd: [NODE, ...edgewiseArgs(rel(MANIFEST_DIR))], runs: [], kind: "edgewise" },
    // Full lint = validate + every rule; warnings are expected on generated data, errors are not.
    "edgewise lint": { cmd: [NODE, ...edgewiseArgs(rel(MANIFEST_DIR), "lint")], runs: [], kind: "edgewise" },
  };
  for (const name of ["edgewise validate", "edgewise lint"]) {
    if (!edgewiseExists) rows[name].skipped = `${rel(EDGEWISE_BIN)} does not exist yet`;
  }
  // Before/after: EDGEWISE_BASELINE=<built checkout of an earlier commit> adds its lint as a row
  // of the same run (e.g. `git worktree add /tmp/base <commit>` then build it there).
  const baseline = process.env.EDGEWISE_BASELINE;
  const baselineBin = baseline ? path.join(path.resolve(baseline), "bin/edgewise.js") : undefined;
  if (baseline) {
    rows["edgewise lint (baseline)"] = { cmd: [NODE, baselineBin, "lint", rel(MANIFEST_DIR), "--format", "json"], runs: [], kind: "edgewise" };
    if (!fs.existsSync(baselineBin)) rows["edgewise lint (baseline)"].skipped = `${baselineBin} does not exist`;
  }

  // warm the page cache once (untimed) so the first timed run is not penalised
  runCmd("warmup-read", NODE, [rel(FLOOR), "read", rel(MANIFEST_DIR)], { measureRss: false });

  for (let rep = 0; rep < args.reps; rep++) {
    for (const [name, row] of Object.entries(rows)) {
      if (row.skipped || row.failed) continue;
      log(`rep ${rep + 1}/${args.reps}: ${name}`);
      const slug = name.replace(/[^a-z0-9]+/gi, "-");
      const r = runCmd(slug, row.cmd[0], row.cmd.slice(1));
      const run = { processMs: r.ms, rssMB: r.rssMB, status: r.status };
      if (row.kind === "floor") {
        if (r.status !== 0) {
          row.failed = `exit ${r.status}: ${head(r.stderrFile, 10)}`;
          continue;
        }
        const o = JSON.parse(fs.readFileSync(r.stdoutFile, "utf8"));
        if (o.files !== data.files) row.failed = `read ${o.files} files, expected ${data.files}`;
        run.ms = o.ms; // in-process time: listing + reads (+ parses), excludes node startup
      } else if (row.kind === "ajv") {
        run.ms = r.ms;
        const out = fs.readFileSync(r.stdoutFile, "utf8");
        const valid = (out.match(/ valid$/gm) || []).length;
        run.validFiles = valid;
        if (r.status !== 0 || valid !== data.files) {
          row.failed = `exit ${r.status}, ${valid}/${data.files} reported valid; first errors:\n${head(r.stderrFile, 20)}`;
        }
      } else {
        run.ms = r.ms;
        // Lint findings (exit 1) are expected on generated data; only validation must be clean.
        if (r.status === 1 && name.startsWith("edgewise lint")) {
          // fine: the row measures throughput
        } else if (r.status === 1) {
          row.failed = `exit 1 (findings) on generated manifests that should all be valid; first findings:\n${firstFindings(r.stdoutFile)}`;
        } else if (r.status !== 0) {
          row.failed = `exit ${r.status}${r.signal ? ` (signal ${r.signal})` : ""}; stderr:\n${head(r.stderrFile, 20)}\nstdout:\n${head(r.stdoutFile, 10)}`;
        }
      }
      row.runs.push(run);
      if (row.failed) log(`${name} FAILED: ${summary(row.failed)}`);
    }
  }

  // ---- cold start: node -e 0 vs edgewise validate <small file> (+ ajv-cli on the same file)
  const cold = {
    file: rel(smallFile),
    fileBytes: data.minBytes,
    warmups: args.coldWarmups,
    runs: args.coldRuns,
    cmds: {
      "node -e 0": { cmd: [NODE, "-e", "0"], ms: [] },
      "edgewise validate (1 file)": { cmd: [NODE, ...edgewiseArgs(rel(smallFile))], ms: [], skip: !edgewiseExists },
      "ajv-cli validate (1 file)": { cmd: [NODE, ...ajvArgs(rel(smallFile))], ms: [] },
      "edgewise lint (1 file)": { cmd: [NODE, ...edgewiseArgs(rel(smallFile), "lint")], ms: [], skip: !edgewiseExists },
    },
  };
  // Before/after cold start: the baseline checkout's validate and lint on the same file, alternating with ours.
  if (baselineBin && fs.existsSync(baselineBin)) {
    for (const command of ["validate", "lint"]) cold.cmds[`edgewise ${command} (1 file, baseline)`] = { cmd: [NODE, baselineBin, command, rel(smallFile), "--format", "json", ...extraArgs], ms: [] };
  }
  const coldActive = Object.entries(cold.cmds).filter(([, c]) => !c.skip);
  log(`cold start: ${args.coldWarmups} warm-ups + ${args.coldRuns} runs of ${coldActive.map(([n]) => n).join(", ")} (alternating)`);
  for (let i = 0; i < args.coldWarmups + args.coldRuns; i++) {
    // rotate the order every iteration so no command always runs right after another
    const order = coldActive.map((_, k) => coldActive[(k + i) % coldActive.length]);
    for (const [name, c] of order) {
      const r = runCmd("cold-" + name.replace(/[^a-z0-9]+/gi, "-"), c.cmd[0], c.cmd.slice(1), { measureRss: false });
      if (r.status !== 0 && !c.failed) {
        c.failed = `exit ${r.status}: ${r.status === 1 && name.startsWith("edgewise") ? firstFindings(r.stdoutFile) : head(r.stderrFile, 10)}`;
        log(`cold ${name} FAILED: ${summary(c.failed)}`);
      }
      if (i >= args.coldWarmups) c.ms.push(r.ms);
    }
  }
  for (const [name, c] of coldActive) {
    const s = c.ms.slice().sort((a, b) => a - b);
    c.medianMs = quantile(s, 0.5);
    c.p90Ms = quantile(s, 0.9);
    c.minMs = s[0];
    c.rssMB = runCmd("cold-rss-" + name.replace(/[^a-z0-9]+/gi, "-"), c.cmd[0], c.cmd.slice(1)).rssMB;
  }
  const nodeMedian = cold.cmds["node -e 0"].medianMs;
  for (const [, c] of coldActive) c.ratioToNode = c.medianMs / nodeMedian;

  // ---- summarise
  const mb = data.totalBytes / 2 ** 20;
  for (const row of Object.values(rows)) {
    if (!row.runs.length) continue;
    row.bestMs = Math.min(...row.runs.map((r) => r.ms));
    const rss = row.runs.map((r) => r.rssMB).filter((x) => x != null);
    row.peakRssMB = rss.length ? Math.max(...rss) : null;
  }
  const ajvBest = rows["ajv-cli"].failed ? null : rows["ajv-cli"].bestMs;
  const parseBest = rows["floor-JSON.parse"].failed ? null : rows["floor-JSON.parse"].bestMs;
  const tableRows = [];
  for (const [name, row] of Object.entries(rows)) {
    if (row.skipped) {
      tableRows.push([name, fInt(data.files), f1(mb), "skipped", "", "", "", "", "", `skipped: ${row.skipped}`]);
      continue;
    }
    const s = row.bestMs / 1000;
    row.filesPerSec = data.files / s;
    row.mbPerSec = mb / s;
    row.ratioToAjvCli = ajvBest ? row.bestMs / ajvBest : null;
    row.ratioToParseFloor = parseBest ? row.bestMs / parseBest : null;
    if (row.failed) {
      tableRows.push([name, fInt(data.files), f1(mb), "—", "—", "—", "—", "—", "—", `**FAILED**: ${summary(row.failed)} (details below)`]);
      continue;
    }
    const note = row.kind === "floor" ? "in-process time (no node startup)" : "wall-clock of whole command";
    tableRows.push([name, fInt(data.files), f1(mb), f3(s), fInt(row.filesPerSec), f1(row.mbPerSec), fRatio(row.ratioToAjvCli), fRatio(row.ratioToParseFloor), f1(row.peakRssMB), note]);
  }

  const out = [];
  out.push(`## Validation benchmark`);
  out.push("");
  out.push(`- node ${sys.node} (V8 ${sys.v8}), ${sys.platform}`);
  out.push(`- CPU: ${sys.cpu}, ${sys.cores} cores${sys.cpuinfoCores && sys.cpuinfoCores !== sys.cores ? ` (${sys.cpuinfoCores} in /proc/cpuinfo)` : ""}, ${sys.memGB} GiB RAM`);
  out.push(`- ajv ${sys.ajv}, ajv-cli ${sys.ajvCli}; community schema: SchemaStore ${COMMUNITY_MAIN} converted to draft-07`);
  out.push(
    `- data: ${fInt(data.files)} generated manifests (seed ${args.seed}), ${f1(mb)} MB total; size min ${f1(data.minBytes / 1024)} KB, ` +
      `p10 ${f1(data.p10Bytes / 1024)} KB, median ${f1(data.medianBytes / 1024)} KB, p90 ${f1(data.p90Bytes / 1024)} KB, max ${f1(data.maxBytes / 1024)} KB` +
      (data.generated ? ` (generated in ${f1(data.generateMs / 1000)} s)` : " (reused)"),
  );
  out.push(`- best of ${args.reps} run${args.reps > 1 ? "s" : ""}, repetitions interleaved; warm page cache; MB = 2^20 bytes; peak RSS from ${TIME_BIN ? "`/usr/bin/time -f %M`" : "n/a (no GNU time)"}`);
  out.push(`- canary (one manifest with restartPolicy "on-failured"): ajv-cli ${canary.ajvCli}${edgewiseExists ? `, edgewise ${canary.edgewise}` : ""}`);
  out.push("");
  out.push(mdTable(["row", "files", "total MB", "wall s", "files/s", "MB/s", "ratio to ajv-cli", "ratio to JSON.parse floor", "peak RSS MB", "notes"], tableRows));
  out.push("");
  out.push("Commands:");
  out.push("");
  for (const [name, row] of Object.entries(rows)) {
    out.push(`- ${name}: \`${["node", ...row.cmd.slice(1).map((a) => (a === AJV_CLI ? rel(AJV_CLI) : a))].map((a) => (/[\s*"]/.test(a) ? JSON.stringify(a) : a)).join(" ")}\``);
  }
  out.push("");
  out.push(`### Cold start (${args.coldRuns} runs each after ${args.coldWarmups} warm-up${args.coldWarmups > 1 ? "s" : ""}, alternating; one ${f1(data.minBytes / 1024)} KB manifest)`);
  out.push("");
  const coldRows = [];
  for (const [name, c] of Object.entries(cold.cmds)) {
    if (c.skip) {
      coldRows.push([name, "skipped", "", "", "", "", `skipped: ${rel(EDGEWISE_BIN)} does not exist yet`]);
      continue;
    }
    if (c.failed) {
      coldRows.push([name, "—", "—", "—", "—", "—", `**FAILED**: ${summary(c.failed)} (details below)`]);
      continue;
    }
    coldRows.push([name, f1(c.medianMs), f1(c.p90Ms), f1(c.minMs), fRatio(c.ratioToNode), f1(c.rssMB), ""]);
  }
  out.push(mdTable(["command", "median ms", "p90 ms", "min ms", "ratio of medians to node -e 0", "peak RSS MB", "notes"], coldRows));
  out.push("");
  const totalS = (performance.now() - tStart) / 1000;
  out.push(`(harness total ${f1(totalS)} s)`);
  console.log(out.join("\n"));

  for (const [name, row] of Object.entries(rows)) {
    if (row.failed) console.log(`\n### ${name} failure details\n\n\`\`\`\n${row.failed}\n\`\`\``);
  }
  for (const [name, c] of Object.entries(cold.cmds)) {
    if (c.failed) console.log(`\n### cold start ${name} failure details\n\n\`\`\`\n${c.failed}\n\`\`\``);
  }

  const results = {
    system: sys,
    config: { count: args.count, seed: args.seed, reps: args.reps, coldRuns: args.coldRuns, coldWarmups: args.coldWarmups, quick: args.quick, edgewiseExtraArgs: extraArgs, rssSource: TIME_BIN ? "/usr/bin/time -f %M" : null },
    data: { dir: rel(MANIFEST_DIR), ...data, totalMB: mb },
    communitySchema: { source: rel(path.join(COMMUNITY_SRC, COMMUNITY_MAIN)), converted: rel(schema.main), refs: schema.refs.map(rel) },
    canary,
    rows: Object.fromEntries(
      Object.entries(rows).map(([name, r]) => [
        name,
        {
          command: ["node", ...r.cmd.slice(1).map((a) => (path.isAbsolute(a) ? rel(a) : a))],
          skipped: r.skipped ?? null,
          failed: r.failed ?? null,
          timing: r.kind === "floor" ? "in-process (listing + read [+ JSON.parse]), excludes node startup" : "wall-clock of the whole command",
          runsMs: r.runs.map((x) => x.ms),
          processMs: r.runs.map((x) => x.processMs),
          bestMs: r.bestMs ?? null,
          filesPerSec: r.filesPerSec ?? null,
          mbPerSec: r.mbPerSec ?? null,
          ratioToAjvCli: r.ratioToAjvCli ?? null,
          ratioToParseFloor: r.ratioToParseFloor ?? null,
          peakRssMB: r.peakRssMB ?? null,
        },
      ]),
    ),
    coldStart: {
      file: cold.file,
      fileBytes: cold.fileBytes,
      warmups: cold.warmups,
      runs: cold.runs,
      commands: Object.fromEntries(
        Object.entries(cold.cmds).map(([name, c]) => [
          name,
          {
            command: ["node", ...c.cmd.slice(1).map((a) => (path.isAbsolute(a) ? rel(a) : a))],
            skipped: c.skip ? `${rel(EDGEWISE_BIN)} does not exist yet` : null,
            failed: c.failed ?? null,
            ms: c.ms,
            medianMs: c.medianMs ?? null,
            p90Ms: c.p90Ms ?? null,
            minMs: c.minMs ?? null,
            ratioToNode: c.ratioToNode ?? null,
            peakRssMB: c.rssMB ?? null,
          },
        ]),
      ),
    },
    totalSeconds: totalS,
  };
  fs.writeFileSync(RESULTS, JSON.stringify(results, null, 2) + "\n");
  log(`wrote ${rel(RESULTS)}`);
  const anyFailed = Object.values(rows).some((r) => r.failed) || Object.values(cold.cmds).some((c) => c.failed);
  process.exitCode = anyFailed ? 1 : 0;
}

main();
