// From raw runs to the figures the report shows: medians with min–max, and ratios against a
// peer taken run by run (the peer's run of the same repetition, on the same folder), so that
// a slow moment of the machine weighs on both sides of each ratio.
import { summary } from '../common/stats.mjs';

const PEERS = { ajv: 'ajv-cli', floor: 'floor-parse', node: 'node' };

function msOf(runs) {
  return runs.map((run) => (run == null ? NaN : typeof run === 'number' ? run : run.ms));
}

/** Ratios run by run; undefined when there is no pair. */
export function pairedRatios(runs, peerRuns) {
  const ours = msOf(runs);
  const theirs = msOf(peerRuns);
  return summary(ours.map((ms, i) => ms / theirs[i]).filter(Number.isFinite));
}

function peakOf(runs) {
  const rss = runs.filter(Boolean).map((run) => run.rssMB).filter(Number.isFinite);
  return rss.length ? Math.max(...rss) : null;
}

function loadsOf(runs) {
  return summary(runs.filter(Boolean).map((run) => run.load1));
}

/** This build against the baseline build's same command (`lint` against `lint-baseline`), when there is one. */
function toBaseline(rows, tool, runsOf) {
  const before = rows[`${tool}-baseline`];
  return before ? pairedRatios(runsOf(rows[tool]), runsOf(before)) ?? null : null;
}

function describeRow(rows, tool, peers) {
  const row = rows[tool];
  return {
    failed: row.failed ?? null,
    time: summary(msOf(row.runs)) ?? null,
    ratioToAjvCli: peers.ajv ? pairedRatios(row.runs, peers.ajv.runs) ?? null : null,
    ratioToFloor: peers.floor ? pairedRatios(row.runs, peers.floor.runs) ?? null : null,
    ratioToBaseline: toBaseline(rows, tool, (r) => r.runs),
    peakRssMB: peakOf(row.runs),
    load1: loadsOf(row.runs) ?? null,
  };
}

/** Many files: { [set]: { [count]: { [tool]: figures } } }. */
export function analyseManyFiles(raw) {
  const out = {};
  for (const [set, bySize] of Object.entries(raw)) {
    out[set] = {};
    for (const [count, rows] of Object.entries(bySize)) {
      const peers = { ajv: rows[PEERS.ajv], floor: rows[PEERS.floor] };
      out[set][count] = Object.fromEntries(Object.keys(rows).map((tool) => [tool, describeRow(rows, tool, peers)]));
    }
  }
  return out;
}

/**
 * Time per file at each size: the raw median / files, and net of start-up: (median(N) − the
 * tool's one-file cold start) / (N − 1), the cost each further file adds. A floor has no start-up
 * in its time. The spread is the largest net time per file over the smallest.
 */
export function analyseLinearity(many, cold, tools) {
  const out = {};
  for (const [set, bySize] of Object.entries(many)) {
    out[set] = {};
    for (const tool of tools) {
      const perSize = {};
      for (const [count, rows] of Object.entries(bySize)) {
        const median = rows[tool.id]?.time?.median;
        if (!Number.isFinite(median)) continue;
        const n = Number(count);
        const startup = tool.kind === 'floor' ? 0 : cold[tool.id]?.time?.median;
        const net = tool.kind === 'floor' ? median / n : Number.isFinite(startup) && n > 1 ? (median - startup) / (n - 1) : NaN;
        perSize[count] = { rawMsPerFile: median / n, netMsPerFile: Number.isFinite(net) ? net : null };
      }
      const nets = Object.values(perSize).map((p) => p.netMsPerFile).filter((x) => Number.isFinite(x) && x > 0);
      out[set][tool.id] = { perSize, spread: nets.length > 1 ? Math.max(...nets) / Math.min(...nets) : null };
    }
  }
  return out;
}

export function analyseColdStart(raw) {
  const node = raw[PEERS.node];
  return Object.fromEntries(
    Object.entries(raw).map(([tool, row]) => [
      tool,
      {
        failed: row.failed ?? null,
        time: summary(msOf(row.ms)) ?? null,
        ratioToNode: node ? pairedRatios(row.ms, node.ms) ?? null : null,
        ratioToBaseline: toBaseline(raw, tool, (r) => r.ms),
        peakRssMB: row.rssMB,
        load1: summary(row.load1) ?? null,
      },
    ]),
  );
}

export function analysePreCommit(raw) {
  const ajv = raw[PEERS.ajv];
  const node = raw[PEERS.node];
  return Object.fromEntries(
    Object.entries(raw).map(([tool, row]) => [
      tool,
      {
        failed: row.failed ?? null,
        time: summary(msOf(row.runs)) ?? null,
        ratioToAjvCli: ajv ? pairedRatios(row.runs, ajv.runs) ?? null : null,
        ratioToNode: node ? pairedRatios(row.runs, node.runs) ?? null : null,
        ratioToBaseline: toBaseline(raw, tool, (r) => r.runs),
        peakRssMB: peakOf(row.runs),
        load1: loadsOf(row.runs) ?? null,
      },
    ]),
  );
}
