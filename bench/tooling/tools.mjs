// What the tooling benchmark runs: edgewise's commands and their peers, each able to say how it
// runs on a folder, on a batch of files and on one file, and whether a run did its job (a
// validator that accepts everything, or a crash that exits fast, must not pass as a fast run).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { head } from './timed-command.mjs';

const FLOOR = fileURLToPath(new URL('./floor.mjs', import.meta.url));

/** Why a run does not count, or undefined. */
function exitedWith(allowed) {
  return (run) => (allowed.includes(run.status) ? undefined : `exit ${run.status}${run.signal ? ` (signal ${run.signal})` : ''}: ${head(run.stderrFile) || head(run.stdoutFile)}`);
}

function floorChecked(run, files) {
  const bad = exitedWith([0])(run);
  if (bad) return bad;
  const report = JSON.parse(fs.readFileSync(run.stdoutFile, 'utf8'));
  if (report.files !== files) return `read ${report.files} files, expected ${files}`;
  run.inProcessMs = report.ms;
  return undefined;
}

function ajvChecked(run, files) {
  const valid = (fs.readFileSync(run.stdoutFile, 'utf8').match(/ valid$/gm) ?? []).length;
  if (run.status === 0 && valid === files) return undefined;
  return `exit ${run.status}, ${valid} of ${files} files reported valid: ${head(run.stderrFile)}`;
}

/**
 * The tools, in table order. `context`: { root, node, edgewiseBin, baselineBin?, schema: { main, refs }, extraArgs, variants? }.
 * Commands use paths relative to `root` (they run there), so they read as a user would type them.
 */
export function defineTools(context) {
  const rel = (file) => path.relative(context.root, file) || '.';
  const node = context.node;
  const ajv = (dataArgs) => [
    node, rel(path.join(context.root, 'node_modules/ajv-cli/dist/index.js')), 'validate',
    '-s', rel(context.schema.main), ...context.schema.refs.flatMap((ref) => ['-r', rel(ref)]),
    ...dataArgs.flatMap((data) => ['-d', data]),
    '--spec=draft7', '--strict=false', '--all-errors=false', '--errors=text',
  ];
  const edgewise = (bin, command, allowed, variantArgs = []) => {
    const line = (targets) => [node, rel(bin), command, ...targets, '--format', 'json', ...variantArgs, ...context.extraArgs];
    return {
      kind: 'edgewise',
      many: (dir) => line([rel(dir)]),
      batch: (files) => line(files.map(rel)),
      one: (file) => line([rel(file)]),
      check: exitedWith(allowed),
      available: fs.existsSync(bin) ? undefined : `${rel(bin)} does not exist: build first (npm run build)`,
    };
  };
  const floor = (mode) => ({
    kind: 'floor',
    many: (dir) => [node, rel(FLOOR), mode, rel(dir)],
    check: floorChecked,
  });
  // Lint findings (exit 1) are expected on generated data; validation must find nothing.
  const tools = [
    { id: 'node', label: 'node -e 0', kind: 'node', one: () => [node, '-e', '0'], batch: () => [node, '-e', '0'], check: exitedWith([0]) },
    { id: 'floor-read', label: 'read (floor)', ...floor('read') },
    { id: 'floor-parse', label: 'read + JSON.parse (floor)', ...floor('parse') },
    {
      id: 'ajv-cli', label: 'ajv-cli validate', kind: 'peer',
      many: (dir) => ajv([`${rel(dir)}/*.json`]),
      batch: (files) => ajv(files.map(rel)),
      one: (file) => ajv([rel(file)]),
      check: ajvChecked,
    },
    { id: 'validate', label: 'edgewise validate', ...edgewise(context.edgewiseBin, 'validate', [0]) },
    { id: 'lint', label: 'edgewise lint', ...edgewise(context.edgewiseBin, 'lint', [0, 1]) },
  ];
  // --variant "lint --threads 1": the same command with other options, as rows of their own.
  for (const [index, variant] of (context.variants ?? []).entries()) {
    const [command, ...args] = variant.split(/\s+/).filter(Boolean);
    tools.push({ id: `variant-${index + 1}`, label: `edgewise ${variant.trim()}`, ...edgewise(context.edgewiseBin, command, command === 'lint' ? [0, 1] : [0], args) });
  }
  if (context.baselineBin) {
    tools.push(
      { id: 'validate-baseline', label: 'edgewise validate (baseline)', ...edgewise(context.baselineBin, 'validate', [0]) },
      { id: 'lint-baseline', label: 'edgewise lint (baseline)', ...edgewise(context.baselineBin, 'lint', [0, 1]) },
    );
  }
  return tools;
}

/** A command line as Markdown code, quoting what a shell would split or expand. */
export function shownCommand(command) {
  return ['node', ...command.slice(1)].map((arg) => (/[\s*"]/.test(arg) ? JSON.stringify(arg) : arg)).join(' ');
}
