// Issue 9, "Secrets that are printed today": the attacker's battery. Manifests with a secret in
// every place a user puts one (planted-secrets.ts: a real public template, Azure-Samples/
// iot-edge-influxdb-grafana's deployment.template.json, filled in), in JSON and YAML, with and
// without mistakes whose messages quote values, go through every command and every format of the
// built CLI, as users run it. No planted secret, nor any 6-character run of one, may appear in
// stdout, stderr or a written report. What a command is asked to produce (a converted, merged,
// patched, generated or offline-enabled manifest) must keep the secrets: masking must never
// reach a manifest. `diff --show-secrets` is the one way to see them.
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { edgewise, scratchFolder, type CliRun } from './loader-cli.js';
import { leaksIn, plantedLayer, plantedManifest, plantedPatch, plantedTemplate, rotated, SECRETS } from './planted-secrets.js';

let dir: string;
const at = (file: string): string => join(dir, file);

beforeAll(() => {
  dir = scratchFolder('secrets');
  for (const shape of ['broken', 'clean'] as const) {
    writeFileSync(at(`${shape}.json`), `${JSON.stringify(plantedManifest(shape), null, 2)}\n`);
    writeFileSync(at(`${shape}.yaml`), stringify(plantedManifest(shape, 'a', true)));
  }
  writeFileSync(at('clean-b.json'), `${JSON.stringify(plantedManifest('clean', 'b'), null, 2)}\n`);
  writeFileSync(at('clean-b.yaml'), stringify(plantedManifest('clean', 'b', true)));
  // A syntax error right beside a secret: the parse message must not quote the text around it.
  const json = readFileSync(at('clean.json'), 'utf8');
  writeFileSync(at('unparsable.json'), json.replace(`"DB_PASS": {`, `"DB_PASS" {"value": "${SECRETS.dbPass}"},`));
  const yaml = readFileSync(at('clean.yaml'), 'utf8');
  writeFileSync(at('unparsable.yaml'), yaml.replace(/DB_PASS:\n/, `DB_PASS: {value: "${SECRETS.dbPass}"\n`));
  writeFileSync(at('change.patch.json'), JSON.stringify(plantedPatch(), null, 2));
  writeFileSync(at('layer.json'), JSON.stringify(plantedLayer(), null, 2));
  for (const [folder, refused] of [['gen', false], ['gen-refused', true]] as const) {
    mkdirSync(at(folder));
    const planted = plantedTemplate(refused);
    writeFileSync(at(`${folder}/deployment.template.json`), JSON.stringify(planted.template, null, 2));
    writeFileSync(at(`${folder}/.env`), planted.env);
  }
});

const MANIFESTS = ['broken.json', 'broken.yaml', 'clean.json', 'clean.yaml'];
const UNPARSABLE = ['unparsable.json', 'unparsable.yaml'];

interface Checked {
  label: string;
  run: CliRun;
  /** Files the command wrote that are reports (checked like stdout). */
  reports?: string[];
  /** True when stdout is the manifest the command was asked for (it keeps the secrets). */
  stdoutIsProduct?: boolean;
}

function leaksOf(checked: Checked): string[] {
  const { label, run } = checked;
  const found = [...leaksIn(`${label} stderr`, run.stderr)];
  if (!checked.stdoutIsProduct) found.push(...leaksIn(`${label} stdout`, run.stdout));
  for (const report of checked.reports ?? []) found.push(...leaksIn(`${label} ${report}`, readFileSync(at(report), 'utf8')));
  return found;
}

/** Runs the CLI in the battery's folder; every run must end by itself, as documented, without an internal error. */
function cli(args: string[], codes: readonly number[] = [0, 1]): CliRun {
  const run = edgewise(args, { cwd: dir });
  expect(run.signal, run.stderr).toBeNull();
  expect(codes, `${args.join(' ')}\n${run.stderr}`).toContain(run.code);
  expect(run.stderr).not.toMatch(/internal error/);
  return run;
}

function expectNoLeaks(checked: Checked[]): void {
  expect(checked.flatMap(leaksOf)).toEqual([]);
}

describe('no planted secret reaches any output', () => {
  it('validate, in every format', () => {
    expectNoLeaks(['stylish', 'json'].map((format) => ({ label: `validate -f ${format}`, run: cli(['validate', ...MANIFESTS, ...UNPARSABLE, '-f', format]) })));
  });

  it('lint, in every format, on stdout and in report files', () => {
    const checked: Checked[] = ['stylish', 'json', 'sarif', 'junit', 'github'].map((format) => ({ label: `lint -f ${format}`, run: cli(['lint', ...MANIFESTS, ...UNPARSABLE, '-f', format]) }));
    const reports = ['report.json', 'report.sarif', 'report.xml', 'report.github.txt'];
    const toFiles = cli(['lint', ...MANIFESTS, '-f', 'json', '-o', reports[0]!, '-f', 'sarif', '-o', reports[1]!, '-f', 'junit', '-o', reports[2]!, '-f', 'github', '-o', reports[3]!, '-f', 'stylish']);
    checked.push({ label: 'lint -o', run: toFiles, reports });
    expectNoLeaks(checked);
  });

  it('lint --fix-dry-run and --fix', () => {
    const checked: Checked[] = [{ label: 'lint --fix-dry-run', run: cli(['lint', '--fix-dry-run', ...MANIFESTS]) }];
    for (const file of MANIFESTS) copyFileSync(at(file), at(`fixed-${file}`));
    checked.push({ label: 'lint --fix', run: cli(['lint', '--fix', ...MANIFESTS.map((file) => `fixed-${file}`)]) });
    expectNoLeaks(checked);
  });

  it('convert', () => {
    expectNoLeaks([...MANIFESTS, ...UNPARSABLE].map((file) => ({ label: `convert ${file}`, run: cli(['convert', file, '-o', `converted-${file.endsWith('.json') ? file.replace('.json', '.yaml') : file.replace('.yaml', '.json')}`]) })));
  });

  it('diff, in every format, with layers', () => {
    const checked: Checked[] = ['text', 'json', 'patch', 'markdown'].map((format) => ({ label: `diff -f ${format}`, run: cli(['diff', 'clean.json', 'clean-b.json', '-f', format]) }));
    checked.push({ label: 'diff B A', run: cli(['diff', 'clean-b.json', 'clean.json']) });
    checked.push({ label: 'diff broken', run: cli(['diff', 'broken.json', 'clean-b.json']) });
    checked.push({ label: 'diff broken -f json', run: cli(['diff', 'clean-b.yaml', 'broken.yaml', '-f', 'json']) });
    checked.push({ label: 'diff yaml', run: cli(['diff', 'clean.yaml', 'clean-b.yaml', '-f', 'markdown']) });
    checked.push({ label: 'diff unparsable', run: cli(['diff', 'unparsable.json', 'unparsable.yaml'], [2]) });
    checked.push({ label: 'diff --layer', run: cli(['diff', 'clean.json', 'clean.json', '--layer', 'layer.json', '--priority', '10']) });
    checked.push({ label: 'diff --layer -f patch', run: cli(['diff', 'clean.json', 'clean-b.json', '--layer', 'layer.json', '--priority', '10', '-f', 'patch']) });
    expectNoLeaks(checked);
  });

  it('patch', () => {
    expectNoLeaks(MANIFESTS.map((file) => ({ label: `patch ${file}`, run: cli(['patch', file, 'change.patch.json', '-o', `patched-${file}`]) })));
  });

  it('merge', () => {
    expectNoLeaks(MANIFESTS.map((file) => ({ label: `merge ${file}`, run: cli(['merge', file, 'layer.json', '--priority', '10', '-o', `merged-${file}`]) })));
  });

  it('offline enable and plan, in every format', () => {
    const checked: Checked[] = [];
    for (const file of [...MANIFESTS, ...UNPARSABLE]) {
      checked.push({ label: `offline enable ${file}`, run: cli(['offline', 'enable', file, '-o', `offline-${file}`]) });
      for (const format of ['table', 'json']) checked.push({ label: `offline plan ${file} -f ${format}`, run: cli(['offline', 'plan', file, '--rate', '10', '--size', '1KB', '-f', format]) });
    }
    expectNoLeaks(checked);
  });

  it('gen, written and refused', () => {
    expectNoLeaks(
      ['gen', 'gen-refused'].map((folder) => ({
        label: folder,
        run: cli(['gen', `${folder}/deployment.template.json`, '--env', `${folder}/.env`, '-o', `${folder}/deployment.amd64.json`]),
      })),
    );
  });
});

describe('the secrets stay where they belong', () => {
  const kept = (file: string, ...secrets: string[]): void => {
    const text = readFileSync(at(file), 'utf8');
    for (const secret of secrets) expect(text, file).toContain(secret);
  };

  it('the battery reaches the commands: a broken manifest is refused with findings quoting values', () => {
    const run = cli(['validate', 'broken.json', '-f', 'json']);
    expect(run.code).toBe(1);
    const messages = (JSON.parse(run.stdout) as { results: { message: string }[] }).results.map((finding) => finding.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^environment variable `DB_PASSWORD` must be written as \{"value": …\} \(got /), expect.stringMatching(/^`restartPolicy` must be one of/)]));
    expect(messages.filter((message) => message.includes('(got ')).length).toBeGreaterThanOrEqual(10);
    const unparsable = JSON.parse(cli(['validate', ...UNPARSABLE, '-f', 'json']).stdout) as { results: { file: string; ruleId: string }[] };
    expect(unparsable.results.map((finding) => `${finding.file} ${finding.ruleId}`)).toEqual(['unparsable.json parse', 'unparsable.yaml parse']);
  });

  it('every manifest a command writes keeps every secret, unmasked', () => {
    for (const [args, output] of [
      [['convert', 'clean.json', '-o', 'kept.yaml'], 'kept.yaml'],
      [['patch', 'clean.json', 'change.patch.json', '-o', 'kept-patched.json'], 'kept-patched.json'],
      [['merge', 'clean.yaml', 'layer.json', '--priority', '10', '-o', 'kept-merged.json'], 'kept-merged.json'],
      [['offline', 'enable', 'clean.json', '-o', 'kept-offline.json'], 'kept-offline.json'],
    ] as const) {
      const run = cli([...args]);
      expect(run.code, run.stderr).toBe(0);
      kept(output, SECRETS.registryLowercase, SECRETS.hubKey, SECRETS.accountKey, SECRETS.hyphenName, SECRETS.twinNested, SECRETS.routeKey, SECRETS.createOptionsLong.slice(0, 20));
    }
    kept('kept-patched.json', SECRETS.patchToken, rotated(SECRETS.registryPassword));
    kept('kept-merged.json', SECRETS.layerPassword, SECRETS.layerTwinKey, SECRETS.layerRegistryPassword);
    const gen = cli(['gen', 'gen/deployment.template.json', '--env', 'gen/.env', '-o', 'gen/kept.json']);
    expect(gen.code, gen.stderr).toBe(0);
    kept('gen/kept.json', SECRETS.genRegistry, SECRETS.genInflux, SECRETS.genUnderOrdinaryName);
  });

  it('diff --show-secrets shows them, in every format', () => {
    for (const format of ['text', 'json', 'patch', 'markdown']) {
      const run = cli(['diff', 'clean.json', 'clean-b.json', '-f', format, '--show-secrets']);
      expect(run.stdout, format).toContain(rotated(SECRETS.registryPassword));
      expect(run.stdout, format).toContain(rotated(SECRETS.twinKey));
      // The patch writes the added module whole; the other formats name it.
      if (format === 'patch') expect(run.stdout).toContain(SECRETS.addedModuleKey);
    }
  });
});
