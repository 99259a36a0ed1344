// Runs a composite action's `run:` steps the way the GitHub Actions runner does, as far as
// action.yml uses it: each step's script goes to a file run by
// `bash --noprofile --norc -eo pipefail <file>` (the runner's `shell: bash`), `${{ … }}` is
// replaced in `run`, `env` and `working-directory` before the step starts, GITHUB_OUTPUT is a
// fresh file per step whose `name=value` (or `name<<DELIMITER`) lines become the step's outputs,
// a failed step stops the ones after it, and the action's outputs are evaluated at the end.
// This EMULATES the runner (there is none here): an expression or key it does not know throws,
// so action.yml cannot silently rely on something this file does not do.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

interface ActionInput {
  description?: string;
  required?: boolean;
  default?: string;
}

interface ActionStep {
  name?: string;
  id?: string;
  shell?: string;
  run?: string;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface ActionDefinition {
  name: string;
  description: string;
  inputs: Record<string, ActionInput>;
  outputs: Record<string, { description?: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRun {
  name: string;
  exitCode: number;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
}

export interface ActionRun {
  steps: StepRun[];
  /** The first failing step's exit code, or 0. */
  exitCode: number;
  outputs: Record<string, string>;
}

export interface RunOptions {
  /** Where the action lives (`github.action_path`). */
  actionPath: string;
  /** The job's working directory (`github.workspace`). */
  workspace: string;
  inputs?: Record<string, string>;
  env?: NodeJS.ProcessEnv;
}

const STEP_KEYS = new Set(['name', 'id', 'shell', 'run', 'env', 'working-directory']);

export function readAction(file: string): ActionDefinition {
  return parse(readFileSync(file, 'utf8')) as ActionDefinition;
}

function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    if (line === '') continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const end = lines.indexOf(delimiter!, index + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: no closing ${delimiter}`);
      outputs[name!] = lines.slice(index + 1, end).join('\n');
      index = end;
      continue;
    }
    const equals = line.indexOf('=');
    if (equals < 0) throw new Error(`GITHUB_OUTPUT: cannot read line ${JSON.stringify(line)}`);
    outputs[line.slice(0, equals)] = line.slice(equals + 1);
  }
  return outputs;
}

/** Runs the action's steps in order and returns what each printed, its exit code and outputs. */
export function runCompositeAction(action: ActionDefinition, options: RunOptions): ActionRun {
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  const inputs: Record<string, string> = {};
  for (const [name, input] of Object.entries(action.inputs ?? {})) inputs[name] = options.inputs?.[name] ?? input.default ?? '';
  for (const name of Object.keys(options.inputs ?? {})) if (!(name in inputs)) throw new Error(`the action has no input ${name}`);
  const stepOutputs: Record<string, Record<string, string>> = {};

  const evaluate = (text: string): string =>
    text.replace(/\$\{\{(.*?)\}\}/gs, (_match, expression: string) => {
      const path = expression.trim();
      let found: RegExpExecArray | null;
      if ((found = /^inputs\.([\w-]+)$/.exec(path))) return inputs[found[1]!] ?? '';
      if (path === 'github.action_path') return options.actionPath;
      if (path === 'github.workspace') return options.workspace;
      if ((found = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(path))) return stepOutputs[found[1]!]?.[found[2]!] ?? '';
      throw new Error(`the runner emulation does not know the expression \${{ ${path} }}`);
    });

  const scratch = mkdtempSync(join(tmpdir(), 'edgewise-runner-'));
  const steps: StepRun[] = [];
  let exitCode = 0;
  try {
    for (const [index, step] of action.runs.steps.entries()) {
      const unknown = Object.keys(step).filter((key) => !STEP_KEYS.has(key));
      if (unknown.length > 0) throw new Error(`the runner emulation does not handle step keys ${unknown.join(', ')}`);
      if (step.run === undefined || step.shell !== 'bash') throw new Error(`step ${index}: only run steps with shell: bash are emulated`);
      const script = join(scratch, `step-${index}.sh`);
      const outputFile = join(scratch, `output-${index}`);
      writeFileSync(script, evaluate(step.run));
      writeFileSync(outputFile, '');
      const stepEnv = Object.fromEntries(Object.entries(step.env ?? {}).map(([name, value]) => [name, evaluate(String(value))]));
      const run = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
        cwd: step['working-directory'] ? evaluate(step['working-directory']) : options.workspace,
        env: {
          ...process.env,
          ...options.env,
          CI: 'true',
          GITHUB_ACTIONS: 'true',
          GITHUB_WORKSPACE: options.workspace,
          GITHUB_ACTION_PATH: options.actionPath,
          GITHUB_OUTPUT: outputFile,
          ...stepEnv,
        },
        encoding: 'utf8',
        timeout: 300_000,
        maxBuffer: 64 * 1024 * 1024,
      });
      if (run.error) throw run.error;
      const outputs = parseOutputFile(readFileSync(outputFile, 'utf8'));
      if (step.id) stepOutputs[step.id] = outputs;
      const code = run.status ?? 128;
      steps.push({ name: step.name ?? `step ${index}`, exitCode: code, stdout: run.stdout, stderr: run.stderr, outputs });
      if (code !== 0) {
        exitCode = code;
        break;
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  const outputs = Object.fromEntries(Object.entries(action.outputs ?? {}).map(([name, output]) => [name, evaluate(output.value)]));
  return { steps, exitCode, outputs };
}
