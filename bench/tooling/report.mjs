// The tooling benchmark as Markdown, for BENCHMARKS.md: what was measured where and when
// (machine, versions, load), then one table per question, then the issue's targets.
import { decimal, integer } from '../common/stats.mjs';
import { formatLoad } from '../common/load-average.mjs';
import { shownCommand } from './tools.mjs';

const kb = (bytes) => `${decimal(bytes / 1024)} KB`;
const mb = (bytes) => `${decimal(bytes / 2 ** 20)} MB`;
const seconds = (ms) => decimal(ms / 1000, 3);
const millis = (ms) => decimal(ms, 1);
const perFile = (ms) => decimal(ms, ms < 1 ? 3 : 2);
const times = (x) => `${decimal(x, 2)}×`;

/** "1.234 (1.100–1.400)" from a summary, or "n/a". */
function cell(figure, format) {
  if (!figure) return 'n/a';
  return figure.n === 1 ? format(figure.median) : `${format(figure.median)} (${format(figure.min)}–${format(figure.max)})`;
}

const ratio = (figure) => (figure ? cell(figure, (x) => decimal(x, 2)).replace(/^([\d.,]+)/, '$1×') : 'n/a');
const load = (figure) => (figure ? (figure.min === figure.max ? decimal(figure.min, 2) : `${decimal(figure.min, 2)}–${decimal(figure.max, 2)}`) : 'n/a');
const rss = (value) => (Number.isFinite(value) ? decimal(value) : 'n/a');
const failedCell = () => '**failed** (see below)';

/** A Markdown table whose first `textColumns` columns are left-aligned and the rest right-aligned. */
function table(header, rows, textColumns = 2) {
  const align = header.map((_, i) => (i < textColumns ? '---' : '---:'));
  return [`| ${header.join(' | ')} |`, `|${align.join('|')}|`, ...rows.map((row) => `| ${row.join(' | ')} |`)].join('\n');
}

function preamble(r) {
  const m = r.machine;
  const lines = [
    `## Tooling (issue 15): \`npm run bench -- tooling\`${r.options.quick ? ' (--quick: a smoke run, not figures)' : ''}`,
    '',
    `- ${m.date}; edgewise ${m.edgewise}${r.baseline ? `; baseline: ${r.baseline}` : ''}`,
    `- node ${m.node} (V8 ${m.v8}), ${m.os}; ${m.cpu}, ${m.cores} cores, ${m.memGiB} GiB RAM`,
    `- load average (1 / 5 / 15 min): ${formatLoad(m.loadAtStart)} at the start, ${formatLoad(m.loadAtEnd)} at the end; 1-minute load at the start of each timed run: ${load(m.loadWhileMeasuring)}`,
    `- peers: ajv-cli ${m.versions.ajvCli} (ajv ${m.versions.ajv}) with SchemaStore's community deployment schema (draft-07 copy), and the floor: one node process that lists the folder, reads every file and \`JSON.parse\`s it, timed inside the process (no start-up)`,
  ];
  for (const set of r.sets) {
    const d = set.largest;
    lines.push(`- set "${set.title}": seed ${set.seed}, ${set.names === 'common' ? "the generator's vocabulary of names" : 'a name of its own for every module, output, input, env variable, route and twin property'}; ${integer(d.files)} files, ${mb(d.totalBytes)} (${kb(d.minBytes)}–${kb(d.maxBytes)}, median ${kb(d.medianBytes)}); smaller sizes are its first files`);
  }
  lines.push(
    `- each figure: median of ${r.options.reps} interleaved run${r.options.reps > 1 ? 's' : ''} (min–max); a ratio is taken run by run against the peer's run of the same repetition on the same files; peak RSS from \`/usr/bin/time -f %M\` (largest of the runs)${r.gnuTime ? '' : ' — not available here'}; warm page cache; edgewise writes \`--format json\` to a file`,
    `- canary (a manifest with restartPolicy "on-failured"): ajv-cli ${r.canary.ajvCli}, edgewise ${r.canary.edgewise}`,
  );
  return lines.join('\n');
}

function manyFilesSection(r) {
  const largest = r.options.sizes.at(-1);
  const rows = [];
  for (const set of r.sets) {
    for (const tool of r.tools.filter((t) => t.many)) {
      const f = r.many[set.id][largest][tool.id];
      rows.push(f.failed ? [set.title, tool.label, failedCell(f), '', '', '', ''] : [set.title, tool.label, cell(f.time, seconds), ratio(f.ratioToAjvCli), ratio(f.ratioToFloor), rss(f.peakRssMB), load(f.load1)]);
    }
  }
  return [`### ${integer(largest)} manifests`, '', table(['set', 'command', 'time s', 'ratio to ajv-cli', 'ratio to read + JSON.parse', 'peak RSS MB', 'load (1 min)'], rows)].join('\n');
}

function linearitySection(r) {
  const sizes = r.options.sizes;
  const rows = [];
  for (const set of r.sets) {
    for (const tool of r.tools.filter((t) => t.many && t.id !== 'floor-read')) {
      const lin = r.linearity[set.id][tool.id];
      const cells = sizes.map((n) => {
        const p = lin.perSize[n];
        if (!p) return 'n/a';
        return tool.kind === 'floor' ? perFile(p.rawMsPerFile) : `${p.netMsPerFile == null ? 'n/a' : perFile(p.netMsPerFile)} (${perFile(p.rawMsPerFile)})`;
      });
      rows.push([set.title, tool.label, ...cells, lin.spread == null ? 'n/a' : times(lin.spread)]);
    }
  }
  return [
    '### Linear cost: milliseconds per file',
    '',
    'Net of start-up: (median time − the command\'s one-file cold start) / (files − 1), the cost each further file adds; in parentheses the median time / files. The floor has no start-up. Spread: the largest net time per file over the smallest.',
    '',
    table(['set', 'command', ...sizes.map((n) => `${integer(n)} files`), 'spread'], rows),
  ].join('\n');
}

function coldSection(r) {
  const rows = r.tools
    .filter((t) => t.one)
    .map((tool) => {
      const f = r.cold[tool.id];
      return f.failed ? [tool.label, failedCell(f), '', '', ''] : [tool.label, cell(f.time, millis), ratio(f.ratioToNode), rss(f.peakRssMB), load(f.load1)];
    });
  return [
    `### Cold start: one ${kb(r.coldFile.bytes)} manifest, ${r.options.coldRuns} runs each after ${r.options.coldWarmups} warm-up${r.options.coldWarmups > 1 ? 's' : ''}, order rotated every round`,
    '',
    table(['command', 'ms', 'ratio to node -e 0', 'peak RSS MB', 'load (1 min)'], rows, 1),
  ].join('\n');
}

function preCommitSection(r) {
  const rows = r.tools
    .filter((t) => t.batch)
    .map((tool) => {
      const f = r.preCommit[tool.id];
      return f.failed ? [tool.label, failedCell(f), '', '', '', ''] : [tool.label, cell(f.time, seconds), ratio(f.ratioToAjvCli), ratio(f.ratioToNode), rss(f.peakRssMB), load(f.load1)];
    });
  return [
    `### Pre-commit style: ${integer(r.options.precommitFiles)} files in batches of ${r.options.batch} (${r.preCommitBatches} processes, one after the other)`,
    '',
    table(['command', 'time s', 'ratio to ajv-cli', `ratio to node -e 0 ×${r.preCommitBatches}`, 'peak RSS MB (largest process)', 'load (1 min)'], rows, 1),
  ].join('\n');
}

/** This build against the baseline's, run by run, for every measurement that has both. */
function beforeAfterSection(r) {
  if (!r.baseline) return '';
  const rows = [];
  const add = (what, set, ours, before) => {
    if (!ours || !before) return;
    rows.push([what, set, ours.failed || before.failed ? failedCell() : ratio(ours.ratioToBaseline), rss(ours.peakRssMB), rss(before.peakRssMB)]);
  };
  for (const tool of ['lint', 'validate']) {
    for (const set of r.sets) for (const n of r.options.sizes) add(`${tool}, ${integer(n)} files`, set.title, r.many[set.id][n][tool], r.many[set.id][n][`${tool}-baseline`]);
    add(`${tool} one.json (cold start)`, 'generated', r.cold[tool], r.cold[`${tool}-baseline`]);
    add(`${tool}, pre-commit batches`, 'generated', r.preCommit[tool], r.preCommit[`${tool}-baseline`]);
  }
  return [
    `### Before/after: this build against the baseline (${r.baseline})`,
    '',
    'Time of this build / time of the baseline in the same repetition (below 1× is faster now).',
    '',
    table(['measurement', 'set', 'time now / baseline', 'peak RSS MB now', 'peak RSS MB baseline'], rows),
  ].join('\n');
}

function targetsSection(r) {
  const rows = r.targets.map((t) => {
    const measured = t.value == null ? 'n/a' : t.range ? ratio(t.range) : times(t.value);
    const met = t.met == null ? '—' : t.met ? 'yes' : '**no**';
    return [t.target, t.set === 'generated' ? 'generated' : r.sets.find((s) => s.id === t.set)?.title ?? t.set, `${measured}${t.note ? `; ${t.note}` : ''}`, `≤ ${times(t.limit)}`, met];
  });
  return ['### Against the targets', '', table(['target', 'set', 'measured', 'limit', 'met?'], rows, 3)].join('\n');
}

function commandsSection(r) {
  return ['Commands (the largest folder of the generated set; cold start and pre-commit give files instead of the folder):', '', ...r.commands.map(([label, command]) => `- ${label}: \`${shownCommand(command)}\``)].join('\n');
}

function failures(r) {
  const out = [];
  const add = (where, failed) => failed && out.push(`#### ${where}\n\n\`\`\`\n${failed}\n\`\`\``);
  for (const set of r.sets) for (const n of r.options.sizes) for (const tool of r.tools) add(`${tool.label}, ${set.title}, ${integer(n)} files`, r.many[set.id][n][tool.id]?.failed);
  for (const tool of r.tools) add(`cold start: ${tool.label}`, r.cold[tool.id]?.failed);
  for (const tool of r.tools) add(`pre-commit: ${tool.label}`, r.preCommit[tool.id]?.failed);
  return out.length ? ['### Failures', '', ...out].join('\n\n') : '';
}

export function renderToolingReport(r) {
  return [preamble(r), manyFilesSection(r), linearitySection(r), coldSection(r), preCommitSection(r), beforeAfterSection(r), targetsSection(r), commandsSection(r), failures(r), `(harness total ${decimal(r.totalSeconds)} s)`]
    .filter(Boolean)
    .join('\n\n');
}
