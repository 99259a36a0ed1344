// Issue 17, GitHub Action: the SARIF `edgewise lint --format sarif` writes is valid SARIF 2.1.0
// (the OASIS JSON Schema, test/fixtures/sarif) and within what GitHub code scanning accepts and
// shows (sarif-checks.ts cites the limits). Inputs: the corpus of public manifests (real findings
// of most rules), a file with more than 1,000 findings (MS Learn's standard deployment,
// test/fixtures/merge/docs-base.json, with a key duplicated 1,500 times and 1,200 unknown
// createOptions keys, as test/hardening/findings-cap.test.ts builds it), and a report larger
// than the 25,000 results code scanning takes in one run.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../../src/findings.js';
import { RULES } from '../../../src/rules/index.js';
import { formatSarif } from '../../../src/report/sarif-format.js';
import { codeScanningProblems, schemaErrors, type SarifLog } from './sarif-checks.js';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');
const DOCS_BASE = readFileSync(join(ROOT, 'test', 'fixtures', 'merge', 'docs-base.json'), 'utf8');
const scratch: string[] = [];

afterAll(() => {
  for (const folder of scratch) rmSync(folder, { recursive: true, force: true });
});

function lintSarif(paths: string[], cwd: string): { code: number | null; sarif: string; stderr: string } {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), 'lint', '--format', 'sarif', ...paths], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: 'true' },
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: run.status, sarif: run.stdout, stderr: run.stderr };
}

/** docs-base.json with edgeHub's schemaVersion written `duplicates` extra times and `unknownKeys` unknown createOptions keys. */
function manyFindings(duplicates: number, unknownKeys: number): string {
  const manifest = JSON.parse(DOCS_BASE);
  const options: Record<string, number> = {};
  for (let i = 0; i < unknownKeys; i++) options[`Option${i}`] = i;
  manifest.content.modulesContent.$edgeAgent['properties.desired'].modules.SimulatedTemperatureSensor.settings.createOptions = JSON.stringify(options);
  const text = JSON.stringify(manifest, null, 2);
  const key = '"schemaVersion": "1.1",\n          "routes"';
  if (!text.includes(key)) throw new Error('the fixture changed: no edgeHub schemaVersion before routes');
  return text.replace(key, '"schemaVersion": "1.0", '.repeat(duplicates) + key);
}

describe('SARIF for GitHub code scanning', () => {
  it('the checks themselves reject what the schema or code scanning would', () => {
    const rule = { id: 'r', shortDescription: { text: 'd' }, fullDescription: { text: 'd' }, help: { text: 'h' }, helpUri: 'https://example.com/r' };
    const result = { ruleId: 'r', message: { text: 'm' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'a.json' }, region: { startLine: 1, startColumn: 1 } } }], partialFingerprints: { k: 'v' } };
    const log = (change: (run: { tool: { driver: { name: string; rules: object[] } }; results: object[]; originalUriBaseIds?: object }) => void) => {
      const run = { tool: { driver: { name: 'edgewise', rules: [{ ...rule }] } }, results: [structuredClone(result)] };
      change(run);
      return { $schema: 'https://json.schemastore.org/sarif-2.1.0.json', version: '2.1.0', runs: [run] };
    };
    expect(schemaErrors(log(() => {}))).toEqual([]);
    expect(codeScanningProblems(JSON.stringify(log(() => {})))).toEqual([]);
    expect(schemaErrors(log((run) => Object.assign(run.results[0]!, { level: 'fatal' })))).not.toEqual([]);
    expect(schemaErrors(log((run) => (run.originalUriBaseIds = { '%SRCROOT%': { uri: 'file:///work space/' } })))).not.toEqual([]);
    expect(codeScanningProblems(JSON.stringify(log((run) => (run.results = Array.from({ length: 25_001 }, () => result)))))).toEqual(['run 0: 25001 results']);
    expect(codeScanningProblems(JSON.stringify(log((run) => Object.assign(run.results[0]!, { message: { text: '' }, partialFingerprints: undefined }))))).toEqual(['run 0 result 0: no message.text', 'run 0 result 0: no partialFingerprints']);
    expect(codeScanningProblems(JSON.stringify(log((run) => Object.assign(run.tool.driver.rules[0]!, { name: 'n'.repeat(256) }))))).toEqual(['run 0 rule r: name longer than 255']);
  });

  it('over the corpus of public manifests: valid SARIF 2.1.0, within code scanning limits, every rule described', () => {
    const run = lintSarif([CORPUS], ROOT);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(1); // the corpus has real errors
    const log = JSON.parse(run.sarif) as SarifLog;
    const results = log.runs?.[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(100);
    expect(new Set(results.map((result) => result.ruleId)).size).toBeGreaterThan(10);
    expect(schemaErrors(log)).toEqual([]);
    expect(codeScanningProblems(run.sarif)).toEqual([]);
    // Every rule edgewise has is in the run, so a result never points at a missing rule.
    expect(log.runs?.[0]?.tool?.driver?.rules?.map((rule) => rule.id)).toEqual(RULES.map((rule) => rule.meta.id));
  });

  it('a file with more than 1,000 findings, in a folder whose name has a space: valid, capped per rule, a file URI for the base', () => {
    const parent = mkdtempSync(join(tmpdir(), 'edgewise-sarif-'));
    scratch.push(parent);
    const folder = join(parent, 'work space');
    mkdirSync(folder);
    writeFileSync(join(folder, 'deployment.json'), manyFindings(1500, 1200));
    const run = lintSarif(['deployment.json'], folder);
    expect(run.code).toBe(1);
    const log = JSON.parse(run.sarif) as SarifLog & { runs: { originalUriBaseIds: Record<string, { uri: string }> }[] };
    const results = log.runs[0]?.results ?? [];
    expect(results.length).toBeGreaterThan(2000);
    // The results past the 1,000th of a rule are one summary result with a message saying so.
    expect(results.some((result) => /more .* findings in this file \(not listed/.test(result.message?.text ?? ''))).toBe(true);
    expect(log.runs[0]?.originalUriBaseIds['%SRCROOT%']?.uri).toMatch(/^file:\/\/\/.*\/work%20space\/$/);
    expect(results[0]?.locations?.[0]?.physicalLocation?.artifactLocation?.uri).toBe('deployment.json');
    expect(schemaErrors(log)).toEqual([]);
    expect(codeScanningProblems(run.sarif)).toEqual([]);
  });

  it('keeps at most 25,000 results per run, the most severe, and says how many it left out', () => {
    const severities: Severity[] = [];
    for (let i = 0; i < 30_000; i++) severities.push(i % 10 === 0 ? 'error' : i % 10 === 1 ? 'info' : 'warning');
    const findings: Finding[] = severities.map((severity, index) => ({
      file: join(ROOT, 'deploy', `m${index % 500}.json`),
      ruleId: severity === 'error' ? 'route-syntax' : 'image-tag',
      severity,
      message: `finding ${index}`,
      pointer: `/modulesContent/$edgeAgent/properties.desired/modules/m${index}`,
      line: 1 + (index % 400),
      column: 3,
    }));
    const text = formatSarif({
      findings,
      files: 500,
      checkedFiles: [],
      rules: RULES.map((rule) => rule.meta),
      fingerprint: (finding) => `fp-${finding.message}`,
      baseFolder: ROOT,
      toolVersion: '0.1.0',
    });
    const log = JSON.parse(text) as SarifLog & { runs: { invocations?: { toolExecutionNotifications: { message: { text: string } }[] }[] }[] };
    const results = log.runs[0]?.results ?? [];
    expect(results).toHaveLength(25_000);
    const levels = results.map((result) => (result as { level: string }).level);
    expect(levels.filter((level) => level === 'error')).toHaveLength(3_000);
    expect(levels.filter((level) => level === 'note')).toHaveLength(0);
    // Report order is kept; what goes is every info and the warnings after the 22,000th (finding 27499).
    const kept = results.map((result) => Number(result.message?.text?.slice('finding '.length)));
    expect(kept.slice(0, 3)).toEqual([0, 2, 3]);
    expect(kept.filter((index) => index > 27_499 && index % 10 !== 0)).toEqual([]);
    expect(kept).toContain(27_499);
    expect(kept.at(-1)).toBe(29_990);
    expect(log.runs[0]?.invocations?.[0]?.toolExecutionNotifications[0]?.message.text).toMatch(/^The 5,000 least severe findings are not in this file: GitHub code scanning accepts at most 25,000 results per run/);
    expect(schemaErrors(log)).toEqual([]);
    expect(codeScanningProblems(text)).toEqual([]);
  });
});
