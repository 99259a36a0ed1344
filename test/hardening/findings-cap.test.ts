// Issue 9, "Time that grows faster than the input" and item 3: a file with 200,000 duplicate
// keys crashed validate with "Maximum call stack size exceeded" (push(...findings)), and every
// report listed every finding. Now each file lists the first FINDINGS_PER_RULE findings of a
// rule and one summary finding for the rest, while counts and exit codes still see them all.
// The manifests are MS Learn's standard deployment (test/fixtures/merge/docs-base.json) with the
// mistakes repeated: a duplicated key (as left by a hand merge of two manifests) and unknown
// createOptions keys (as written for another tool).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../src/findings.js';
import { runLint } from '../../src/cli/commands/lint.js';
import { capFindings, countFindings, FINDINGS_PER_RULE, isOmittedFindings } from '../../src/findings-cap.js';
import type { FormatName } from '../../src/report/formatters.js';
import { formatStylish } from '../../src/report/stylish-format.js';
import { runValidate } from '../../src/cli/commands/validate.js';

const BASE = readFileSync(join(import.meta.dirname, '..', 'fixtures', 'merge', 'docs-base.json'), 'utf8');

/** The base with `count` earlier copies of edgeHub's "schemaVersion" key (the last one wins, as in IoT Hub). */
function withDuplicateKeys(count: number): string {
  const key = '"schemaVersion": "1.1",\n          "routes"';
  if (!BASE.includes(key)) throw new Error('the fixture changed: no edgeHub schemaVersion before routes');
  const copies = Array.from({ length: count }, () => '"schemaVersion": "1.0", ').join('');
  return BASE.replace(key, copies + key);
}

/** The base with `count` unknown keys in the simulated sensor's createOptions (each a warning). */
function withUnknownCreateOptionsKeys(count: number): string {
  const manifest = JSON.parse(BASE);
  const options: Record<string, number> = {};
  for (let i = 0; i < count; i++) options[`Option${i}`] = i;
  manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.SimulatedTemperatureSensor.settings.createOptions = JSON.stringify(options);
  return JSON.stringify(manifest, null, 2);
}

function writeManifest(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'edgewise-cap-')), 'deployment.json');
  writeFileSync(file, text);
  return file;
}

function lint(file: string, format: FormatName<'lint'>, extra: { quiet?: boolean; maxWarnings?: number } = {}) {
  return runLint([file], { reports: [{ format }], color: false, toolVersion: 'test', ...extra });
}

const finding = (file: string, ruleId: string, severity: Severity, line: number): Finding => ({ file, ruleId, severity, message: `${ruleId} at ${line}`, pointer: `/x/${line}`, line, column: 1 });

describe('capFindings', () => {
  it('keeps the first findings of each rule and file, and summarises the rest at the first one left out', () => {
    const findings = [
      ...Array.from({ length: 2500 }, (_, i) => finding('a.json', 'duplicate-key', 'error', i + 1)),
      ...Array.from({ length: 10 }, (_, i) => finding('a.json', 'schema', 'error', i + 1)),
      ...Array.from({ length: 1200 }, (_, i) => finding('b.json', 'duplicate-key', 'error', i + 1)),
    ];
    const capped = capFindings(findings);
    const listed = (file: string, ruleId: string) => capped.filter((f) => f.file === file && f.ruleId === ruleId && !isOmittedFindings(f));
    expect(listed('a.json', 'duplicate-key')).toHaveLength(FINDINGS_PER_RULE);
    expect(listed('a.json', 'duplicate-key').at(-1)!.line).toBe(1000);
    expect(listed('a.json', 'schema')).toHaveLength(10);
    expect(listed('b.json', 'duplicate-key')).toHaveLength(FINDINGS_PER_RULE);
    const summaries = capped.filter(isOmittedFindings);
    expect(summaries.map((s) => [s.file, s.ruleId, s.line, s.omitted.errors, s.message])).toEqual([
      ['a.json', 'duplicate-key', 1001, 1500, '… and 1,500 more duplicate-key findings in this file (not listed); fix the listed ones and run again to see the rest'],
      ['b.json', 'duplicate-key', 1001, 200, '… and 200 more duplicate-key findings in this file (not listed); fix the listed ones and run again to see the rest'],
    ]);
    // The counts are those of every finding, not of the listed ones.
    expect(countFindings(2, capped)).toEqual({ files: 2, errors: 3710, warnings: 0, infos: 0 });
  });

  it('gives a rule with mixed severities a summary of the highest one, with the split spelt out', () => {
    const findings = Array.from({ length: 1005 }, (_, i) => finding('a.json', 'docker-value-types', i >= 1002 ? 'error' : 'warning', i + 1));
    const [summary] = capFindings(findings).filter(isOmittedFindings);
    expect(summary).toMatchObject({ severity: 'error', line: 1001, omitted: { errors: 3, warnings: 2, infos: 0 } });
    expect(summary!.message).toContain('… and 5 more docker-value-types findings in this file (not listed: 3 errors, 2 warnings)');
    expect(countFindings(1, capFindings(findings))).toEqual({ files: 1, errors: 3, warnings: 1002, infos: 0 });
  });

  it('leaves a file at the limit untouched', () => {
    const findings = Array.from({ length: FINDINGS_PER_RULE }, (_, i) => finding('a.json', 'schema', 'error', i + 1));
    expect(capFindings(findings)).toEqual(findings);
  });
});

describe('validate and lint on 150,000 duplicate keys', () => {
  const file = writeManifest(withDuplicateKeys(150_000));

  it('validate lists 1,000 and one summary, counts all, and does not overflow the stack', async () => {
    const result = await runValidate([file], { format: 'json', color: false });
    const report = JSON.parse(result.stdout) as { results: Finding[]; summary: { errors: number } };
    const duplicates = report.results.filter((f) => f.ruleId === 'duplicate-key');
    expect(duplicates).toHaveLength(FINDINGS_PER_RULE + 1);
    expect(duplicates.at(-1)).toMatchObject({ message: expect.stringContaining('… and 149,000 more duplicate-key findings in this file (not listed)'), omitted: { errors: 149_000 } });
    expect(report.summary.errors).toBe(150_000);
    expect(result.exitCode).toBe(1);
  });

  it.each(['json', 'sarif', 'junit', 'github', 'stylish'] as const)('lint --format %s lists at most 1,001 duplicate-key findings', async (format) => {
    const result = await lint(file, format);
    expect(result.exitCode).toBe(1);
    const count = (pattern: RegExp) => result.stdout.match(pattern)?.length ?? 0;
    const perFormat: Record<typeof format, RegExp> = {
      json: /"ruleId":"duplicate-key"/g,
      sarif: /"ruleId": "duplicate-key"/g,
      junit: /<testcase classname="edgewise\.duplicate-key"/g,
      github: /title=duplicate-key::/g,
      stylish: /duplicate-key\n/g,
    };
    expect(count(perFormat[format])).toBe(FINDINGS_PER_RULE + 1);
    expect(result.stdout).toContain('149,000 more duplicate-key findings in this file');
    if (format === 'json') expect(JSON.parse(result.stdout).summary.errors).toBe(150_000);
    if (format === 'stylish') expect(result.stdout).toContain('✖ 150000 problems (150000 errors, 0 warnings, 0 info) in 1 file');
  });
});

describe('lint counts what it does not list', () => {
  const file = writeManifest(withUnknownCreateOptionsKeys(1500));

  it('--max-warnings sees all 1,500 warnings, not the 1,000 listed', async () => {
    const result = await lint(file, 'json', { maxWarnings: 1200 });
    const report = JSON.parse(result.stdout) as { results: Finding[]; summary: { warnings: number } };
    expect(report.results.filter((f) => f.ruleId === 'create-options-docker')).toHaveLength(FINDINGS_PER_RULE + 1);
    expect(report.summary.warnings).toBe(1500);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('1500 warnings, more than --max-warnings 1200');
  });

  it('--quiet drops warnings before the cap, so they leave no summary behind', async () => {
    const result = await lint(file, 'json', { quiet: true });
    const report = JSON.parse(result.stdout) as { results: Finding[]; summary: { warnings: number } };
    expect(report.results.some((f) => f.ruleId === 'create-options-docker')).toBe(false);
    expect(report.summary.warnings).toBe(0);
  });
});

describe('stylish', () => {
  it('renders 200,000 findings of one file without spreading them into a call', () => {
    const findings = Array.from({ length: 200_000 }, (_, i) => finding('a.json', 'schema', 'error', i + 1));
    const text = formatStylish(findings, 1, { color: false });
    expect(text).toContain('200000:1');
    expect(text).toContain('✖ 200000 problems (200000 errors, 0 warnings, 0 info) in 1 file');
  });
});
