// Issue 9, "Proof": every command run in this process on one generated case, as src/cli/main.ts
// runs it: a thrown EdgewiseError (InputError, ManifestError) is exit 2 with its message on stderr; any
// other throw is what the CLI calls an internal error. stderr gets the CLI's last masking net
// (maskSecretShapes), as main.ts's emit() gives it. Each output is labelled a message (stdout,
// stderr, a report file: checked for secrets) or a product (a manifest the command was asked to
// write, which keeps real values: checked for size only).
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runConvert } from '../../src/cli/commands/convert.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runPatch } from '../../src/cli/commands/patch.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { maskSecretShapes } from '../../src/manifest/mask-secrets.js';
import { runMerge } from '../../src/cli/commands/merge.js';
import { runOfflineEnable } from '../../src/cli/commands/offline-enable.js';
import { runOfflinePlan } from '../../src/cli/commands/offline-plan.js';
import type { CommandResult } from '../../src/cli/command-result.js';
import { EdgewiseError, InputError } from '../../src/errors.js';
import { runValidate } from '../../src/cli/commands/validate.js';
import { patchText, type CommandChoices } from './command-choices.js';
import { BASES } from './fuzz-bases.js';
import { GEN_ENV } from './fuzz-secrets.js';
import type { Materialized } from './manifest-mutations.js';

const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus');
/** What a mutated base is merged with: the MS Learn layered-deployment page's base for a layer, the CLI extension's layer for a base. */
const MERGE_BASE = join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json');
const MERGE_LAYER = join(CORPUS, 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');

export interface Output {
  where: string;
  text: string;
  /** A manifest the command was asked to write: it keeps the secrets. */
  product: boolean;
}

export interface CommandRun {
  label: string;
  exitCode: number;
  /** The stack of an error other than an EdgewiseError: a bug in edgewise. */
  internal?: string;
  outputs: Output[];
  /** Bytes of every file the command read. */
  inputBytes: number;
  /** diff --show-secrets: asked to show them. */
  showsSecrets: boolean;
}

/** The files of one case in its own folder. */
export interface CaseFiles {
  dir: string;
  manifest: string;
  patch: string;
  template: string;
  sizes: { manifest: number; patch: number; env: number };
}

export function writeCaseFiles(dir: string, materialized: Materialized, choices: CommandChoices): CaseFiles {
  const manifest = join(dir, materialized.fileName);
  writeFileSync(manifest, materialized.bytes);
  const patch = join(dir, 'change.patch.json');
  const patchBody = patchText(materialized.value, choices);
  writeFileSync(patch, patchBody);
  // gen reads a template by name: the same bytes as deployment.template.*, with its .env beside it.
  const template = join(dir, `deployment.template.${materialized.fileName.endsWith('.yaml') ? 'yaml' : 'json'}`);
  writeFileSync(template, materialized.bytes);
  writeFileSync(join(dir, '.env'), GEN_ENV);
  return {
    dir,
    manifest,
    patch,
    template,
    sizes: { manifest: materialized.bytes.length, patch: Buffer.byteLength(patchBody), env: Buffer.byteLength(GEN_ENV) },
  };
}

type RunOptions = { reports?: boolean; showsSecrets?: boolean };
/** A label, the bytes the command reads, the call, and whether its files are reports or it shows secrets. */
type Command = [string, number, () => Promise<CommandResult>, RunOptions?];

async function run(label: string, inputBytes: number, command: () => Promise<CommandResult>, options: RunOptions = {}): Promise<CommandRun> {
  const done = (exitCode: number, outputs: Output[], internal?: string): CommandRun => ({
    label,
    exitCode,
    outputs,
    inputBytes,
    showsSecrets: options.showsSecrets ?? false,
    ...(internal === undefined ? {} : { internal }),
  });
  try {
    const result = await command();
    return done(result.exitCode, [
      { where: `${label} stdout`, text: result.stdout, product: false },
      { where: `${label} stderr`, text: maskSecretShapes(result.stderr), product: false },
      ...result.files.map((file) => ({ where: `${label} ${file.path}`, text: file.text, product: !options.reports })),
    ]);
  } catch (error) {
    if (error instanceof EdgewiseError) return done(2, [{ where: `${label} stderr`, text: maskSecretShapes(`edgewise: ${error.message}\n`), product: false }]);
    return done(2, [], error instanceof Error ? (error.stack ?? error.message) : String(error));
  }
}

/** Runs every command on a case, one after the other; `after` is called after each (the prototype check). */
export async function runEveryCommand(files: CaseFiles, materialized: Materialized, choices: CommandChoices, after: (run: CommandRun) => void): Promise<CommandRun[]> {
  const base = BASES.find((candidate) => materialized.fileName.startsWith(`${candidate.name}.`))!;
  const basePath = join(CORPUS, base.source);
  const baseBytes = Buffer.byteLength(base.text);
  const other = base.layered ? MERGE_BASE : MERGE_LAYER;
  const otherBytes = readFileSync(other).length;
  const at = (name: string): string => join(files.dir, name);
  const ext = materialized.fileName.endsWith('.yaml') ? 'yaml' : 'json';
  const { manifest } = files;
  const size = files.sizes.manifest;

  const showingSecrets: Command = [`diff -f ${choices.diffFormat} --show-secrets`, size + baseBytes, () => runDiff(basePath, manifest, { format: choices.diffFormat, showSecrets: true }), { showsSecrets: true }];
  const commands: Command[] = [
    [`validate -f ${choices.validateFormat}`, size, () => runValidate([manifest], { format: choices.validateFormat, color: false })],
    [
      `lint${choices.fixDryRun ? ' --fix-dry-run' : ''} -f stylish,json,sarif,junit,github`,
      size,
      () =>
        runLint([manifest], {
          reports: [
            { format: 'stylish' },
            { format: 'json', output: at('report.json') },
            { format: 'sarif', output: at('report.sarif') },
            { format: 'junit', output: at('report.xml') },
            { format: 'github', output: at('report.txt') },
          ],
          fixDryRun: choices.fixDryRun,
          color: false,
          toolVersion: 'fuzz',
        }),
      { reports: true },
    ],
    ['convert', size, () => runConvert(manifest, { output: at(`converted.${ext === 'json' ? 'yaml' : 'json'}`) })],
    [
      `diff -f ${choices.diffFormat}${choices.diffReversed ? ' (B is the base)' : ''}`,
      size + baseBytes,
      () => (choices.diffReversed ? runDiff(manifest, basePath, { format: choices.diffFormat }) : runDiff(basePath, manifest, { format: choices.diffFormat })),
    ],
    ...(choices.showSecrets ? [showingSecrets] : []),
    ['patch', size + files.sizes.patch, () => runPatch(manifest, files.patch, { output: at(`patched.${ext}`) })],
    [
      base.layered ? 'merge onto a base' : 'merge with a layer',
      size + otherBytes,
      () => (base.layered ? runMerge(other, [{ path: manifest, priority: 10 }], { output: at('merged.json') }) : runMerge(manifest, [{ path: other, priority: 10 }], { output: at(`merged.${ext}`) })),
    ],
    [`offline plan -f ${choices.planFormat}`, size, () => runOfflinePlan(manifest, { rate: 10, size: '1KB', format: choices.planFormat })],
    ['offline enable', size, () => runOfflineEnable(manifest, { output: at(`offline.${ext}`) })],
    ['gen', size + files.sizes.env, () => runGen([files.template], { env: at('.env'), environment: {}, output: at('generated.json'), cwd: files.dir })],
  ];
  const runs: CommandRun[] = [];
  for (const [label, inputBytes, command, options] of commands) {
    const result = await run(label, inputBytes, command, options);
    after(result);
    runs.push(result);
  }
  return runs;
}
