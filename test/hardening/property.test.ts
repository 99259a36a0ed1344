// Issue 9, "Proof": a property-based test over generated manifests and mutations, every command.
// Each case starts from a real public manifest (fuzz-bases.ts names them: the Azure IoT CLI
// extension's test deployment and layered deployment, Azure-Samples/iot-edge-influxdb-grafana's
// template, iotedgehubdev's chunked createOptions, and two pipeline templates from the wild
// corpus), plants secrets where users put them, mutates the value and the text
// (manifest-mutations.ts) and runs validate, lint (every format), convert, diff (and diff
// --show-secrets), patch, merge, offline plan, offline enable and gen on it. Whatever the input:
//   - the exit code is 0, 1 or 2, and nothing is an internal error;
//   - the output stays within 64 × the input's bytes + 1 MiB (findings are capped per rule and file);
//   - Object.prototype and its friends gain no key, and `({}).restartPolicy` stays undefined;
//   - no planted secret, nor any 6-character run of one, is in stdout, stderr or a report (the
//     manifests a command writes keep their secrets, and diff --show-secrets shows them).
// In-process runs check the prototypes; a few cases also go through the built CLI for the wiring.
//
// Bounded for CI: a fixed seed, 50 cases in process (about 500 command runs) and 3 through the
// CLI. EDGEWISE_FUZZ_RUNS=N runs N times as many cases; EDGEWISE_FUZZ_SEED=S tries another seed.
// fast-check prints the seed, the path and the shrunk case of a failure; EDGEWISE_FUZZ_SEED=S
// EDGEWISE_FUZZ_PATH=P (with the same EDGEWISE_FUZZ_RUNS) replays just that case.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { commandChoices, type CommandChoices } from './command-choices.js';
import { runEveryCommand, writeCaseFiles, type CommandRun } from './fuzz-commands.js';
import { BASES } from './fuzz-bases.js';
import { FUZZ_SECRETS, GEN_SECRETS, leakIn } from './fuzz-secrets.js';
import { edgewise } from './loader-cli.js';
import { fuzzCase, materialize, POLLUTION_NAMES, type Materialized } from './manifest-mutations.js';

const MULTIPLIER = Math.max(1, Math.floor(Number(process.env.EDGEWISE_FUZZ_RUNS ?? '1')) || 1);
const SEED = Number(process.env.EDGEWISE_FUZZ_SEED ?? '20250609');
const REPLAY = process.env.EDGEWISE_FUZZ_PATH ? { path: process.env.EDGEWISE_FUZZ_PATH } : {};
/**
 * Shrinking a large counterexample can take thousands of runs: past this, fast-check stops and
 * reports the smallest failing case found so far, before the test's own timeout would hide it.
 * A budget, not an assertion: runs cut short without a failure still pass.
 */
const BUDGET = { interruptAfterTimeLimit: 240_000 * MULTIPLIER };
const TIMEOUT = 600_000 * MULTIPLIER;
/** Cases run in this process, each through every command (about 10 runs a case). */
const IN_PROCESS_CASES = 50 * MULTIPLIER;
/** Cases run through the built CLI, each through every command. */
const CLI_CASES = 3 * MULTIPLIER;

// ---------------------------------------------------------------------------------------------
// The properties of one command run

/** 64 × the input, and room for a report's fixed parts: findings are capped at 1,000 per rule and file. */
const outputBound = (inputBytes: number): number => 64 * inputBytes + 1024 * 1024;

/** The secrets a case planted that still stand in a secret place, and those its patch and .env carry. */
function secretsOf(materialized: Materialized, choices: CommandChoices): string[] {
  const patched = choices.patchSecret && choices.notAPatch === undefined ? [FUZZ_SECRETS.patchToken] : [];
  return [...materialized.secrets, ...GEN_SECRETS, ...patched];
}

function violationsOf(run: CommandRun, secrets: readonly string[]): string[] {
  const found: string[] = [];
  if (run.internal !== undefined) found.push(`${run.label}: internal error: ${run.internal}`);
  if (![0, 1, 2].includes(run.exitCode)) found.push(`${run.label}: exit code ${run.exitCode}`);
  const total = run.outputs.reduce((sum, output) => sum + Buffer.byteLength(output.text), 0);
  if (total > outputBound(run.inputBytes)) found.push(`${run.label}: ${total} bytes of output for ${run.inputBytes} bytes of input`);
  for (const output of run.outputs) {
    if (output.product) continue;
    const internal = /internal error/i.exec(output.text);
    if (internal) found.push(`${output.where}: says "internal error": ${output.text.slice(Math.max(0, internal.index - 80), internal.index + 200)}`);
    const leak = run.showsSecrets ? undefined : leakIn(output.text, secrets);
    if (leak) found.push(`${output.where}: leaks ${leak}`);
  }
  return found;
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution: checked after every in-process run, and undone so one does not hide the next

const GUARDED = { 'Object.prototype': Object.prototype, Object, 'Array.prototype': Array.prototype, 'Function.prototype': Function.prototype } as const;
const ownKeys = (): Record<string, string[]> => Object.fromEntries(Object.entries(GUARDED).map(([name, target]) => [name, Reflect.ownKeys(target).map(String).sort()]));
const PRISTINE = ownKeys();

/** What a run added to the prototypes (removed again), or undefined. */
function pollutionAfter(label: string): string | undefined {
  const added: string[] = [];
  for (const [name, target] of Object.entries(GUARDED)) {
    for (const key of Reflect.ownKeys(target)) {
      if (PRISTINE[name]!.includes(String(key))) continue;
      added.push(`${name}.${String(key)}`);
      delete (target as unknown as Record<PropertyKey, unknown>)[key];
    }
  }
  const plain: Record<string, unknown> = {};
  const inherited = POLLUTION_NAMES.filter((name) => plain[name] !== undefined);
  return added.length > 0 || inherited.length > 0 ? `${label}: polluted ${[...added, ...inherited.map((name) => `({}).${name}`)].join(', ')}` : undefined;
}

// ---------------------------------------------------------------------------------------------

/** A generated case, as a reader of a failure needs it: the base, the file's start, the secrets. */
function describeCase(materialized: Materialized): string {
  const text = materialized.bytes.toString('utf8');
  return `${materialized.fileName} (${materialized.bytes.length} bytes), live secrets ${materialized.secrets.length}:\n${text.length > 1500 ? `${text.slice(0, 1500)}…` : text}`;
}

function scratch(): string {
  return mkdtempSync(join(tmpdir(), 'edgewise-fuzz-'));
}

type CaseFiles = ReturnType<typeof writeCaseFiles>;

/** Writes one case into a scratch folder, lets `check` list its violations, and fails with the case when there are any. */
async function checkCase(shape: Parameters<typeof materialize>[0], choices: Parameters<typeof writeCaseFiles>[2], check: (files: CaseFiles, materialized: ReturnType<typeof materialize>, dir: string) => Promise<string[]>): Promise<void> {
  const materialized = materialize(shape);
  const dir = scratch();
  try {
    const violations = await check(writeCaseFiles(dir, materialized, choices), materialized, dir);
    if (violations.length > 0) throw new Error(`${violations.join('\n')}\n--- case: ${describeCase(materialized)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('property: every command on generated manifests and mutations', () => {
  it(
    'in process: exit 0/1/2, no internal error, bounded output, prototypes untouched, no planted secret printed',
    async () => {
      await fc.assert(
        fc.asyncProperty(fuzzCase, commandChoices, (shape, choices) =>
          checkCase(shape, choices, async (files, materialized) => {
            const polluted: string[] = [];
            const runs = await runEveryCommand(files, materialized, choices, (run) => {
              const pollution = pollutionAfter(run.label);
              if (pollution) polluted.push(pollution);
            });
            const secrets = secretsOf(materialized, choices);
            return [...polluted, ...runs.flatMap((run) => violationsOf(run, secrets))];
          }),
        ),
        { numRuns: IN_PROCESS_CASES, seed: SEED, ...BUDGET, ...REPLAY },
      );
    },
    TIMEOUT,
  );

  it(
    'through the built CLI: the same properties, with the wiring of every command',
    async () => {
      await fc.assert(
        fc.asyncProperty(fuzzCase, commandChoices, (shape, choices) =>
          checkCase(shape, choices, async (files, materialized, dir) => {
            const base = BASES.find((candidate) => materialized.fileName.startsWith(`${candidate.name}.`))!;
            const basePath = join(import.meta.dirname, '..', 'fixtures', 'corpus', base.source);
            const ext = materialized.fileName.endsWith('.yaml') ? 'yaml' : 'json';
            const m = files.manifest;
            const commands: [string, string[], string[]][] = [
              ['validate', ['validate', m, '-f', choices.validateFormat], []],
              ['lint', ['lint', m, '-f', 'sarif', '-o', join(dir, 'report.sarif'), '-f', 'junit', '-o', join(dir, 'report.xml'), '-f', 'stylish'], ['report.sarif', 'report.xml']],
              ['convert', ['convert', m, '-o', join(dir, `converted.${ext === 'json' ? 'yaml' : 'json'}`)], []],
              ['diff', ['diff', basePath, m, '-f', choices.diffFormat], []],
              ['patch', ['patch', m, files.patch, '-o', join(dir, `patched.${ext}`)], []],
              [
                'merge',
                base.layered
                  ? ['merge', join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json'), m, '--priority', '10', '-o', join(dir, 'merged.json')]
                  : ['merge', m, basePath, '--priority', '10', '-o', join(dir, `merged.${ext}`)],
                [],
              ],
              ['offline plan', ['offline', 'plan', m, '--rate', '10', '--size', '1KB', '-f', choices.planFormat], []],
              ['offline enable', ['offline', 'enable', m, '-o', join(dir, `offline.${ext}`)], []],
              ['gen', ['gen', files.template, '--env', join(dir, '.env'), '-o', join(dir, 'generated.json')], []],
            ];
            const secrets = secretsOf(materialized, choices);
            const violations: string[] = [];
            for (const [label, args, reports] of commands) {
              rmSync(join(dir, 'report.sarif'), { force: true });
              rmSync(join(dir, 'report.xml'), { force: true });
              const run = edgewise(args, { cwd: dir });
              if (run.signal !== null) violations.push(`${label}: killed by ${run.signal} (a hang or a crash)`);
              const outputs = [
                { where: `${label} stdout`, text: run.stdout },
                { where: `${label} stderr`, text: run.stderr },
                ...reports.map((report) => ({ where: `${label} ${report}`, text: readIfThere(join(dir, report)) })),
              ];
              violations.push(
                ...violationsOf(
                  { label, exitCode: run.code ?? -1, outputs: outputs.map((output) => ({ ...output, product: false })), inputBytes: files.sizes.manifest + files.sizes.patch + 16_384, showsSecrets: false },
                  secrets,
                ),
              );
              for (const output of outputs) if (/FATAL ERROR|Maximum call stack|out of memory/.test(output.text)) violations.push(`${output.where}: ${output.text.slice(0, 300)}`);
            }
            return violations;
          }),
        ),
        { numRuns: CLI_CASES, seed: SEED + 1, ...BUDGET, ...REPLAY },
      );
    },
    TIMEOUT,
  );
});

function readIfThere(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

it('the generator reaches what the issue lists: planted secrets stand, and text edits spare them', () => {
  // A check of the generator itself, so that the property cannot pass by generating nothing.
  const samples = fc.sample(fuzzCase, { numRuns: 200, seed: SEED });
  const materialized = samples.map(materialize);
  expect(materialized.filter((m) => m.secrets.length > 0).length).toBeGreaterThan(150);
  expect(new Set(samples.map((shape) => shape.base)).size).toBe(BASES.length);
  expect(samples.some((shape) => shape.format === 'yaml') && samples.some((shape) => shape.format === 'json')).toBe(true);
  expect(samples.some((shape) => shape.edits.some((edit) => edit.kind === 'insert' && ['__proto__', 'constructor', 'prototype'].includes(edit.key)))).toBe(true);
  expect(samples.some((shape) => shape.text.bytes.length > 0) && samples.some((shape) => shape.text.truncate !== undefined) && samples.some((shape) => shape.text.bom)).toBe(true);
  expect(materialized.some((m) => /&a\d* /.test(m.bytes.toString('utf8')) || /\*a\d*\b/.test(m.bytes.toString('utf8')))).toBe(true);
  expect(materialized.some((m) => /"createOptions01"|createOptions01:/.test(m.bytes.toString('utf8')))).toBe(true);
});
