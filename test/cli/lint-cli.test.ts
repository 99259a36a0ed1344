// `edgewise lint` as a child process: exit codes, several formats in one run, config,
// suppressions, --fix, and secrets that never reach any output.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MIXED = join(ROOT, 'test', 'fixtures', 'lint', 'mixed.json');

function edgewise(args: string[], cwd = ROOT, input?: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh folder holding the mixed fixture (errors and warnings), optionally with a config. */
function workspace(config?: string): { folder: string; file: string } {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-lint-'));
  const file = join(folder, 'deployment.json');
  copyFileSync(MIXED, file);
  if (config !== undefined) writeFileSync(join(folder, '.edgewise.yaml'), config);
  return { folder, file };
}

describe('edgewise lint', () => {
  it('exits 0 on the bundled templates', () => {
    const run = edgewise(['lint', 'templates']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('exits 1 on errors, and reports schema and rule findings together', () => {
    const run = edgewise(['lint', MIXED, '-f', 'json']);
    expect(run.code).toBe(1);
    const ids = JSON.parse(run.stdout).results.map((r: { ruleId: string }) => r.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['schema', 'upstream-protocol', 'image-tag']));
  });

  it('never prints a registry password, in any format', () => {
    for (const format of ['stylish', 'json', 'sarif', 'junit', 'github']) {
      const run = edgewise(['lint', MIXED, '-f', format]);
      expect(run.stdout, format).not.toContain('987654321');
      expect(run.stdout, format).toContain('****');
    }
  });

  it('honours --max-warnings and --quiet', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    expect(edgewise(['lint', file], folder).code).toBe(0); // only warnings left
    expect(edgewise(['lint', file, '--max-warnings', '0'], folder).code).toBe(1);
    const quiet = edgewise(['lint', file, '--quiet', '-f', 'json'], folder);
    expect(JSON.parse(quiet.stdout).results).toEqual([]);
  });

  it('writes several formats in one run, each to its own output', () => {
    const { folder, file } = workspace();
    const sarifPath = join(folder, 'out.sarif');
    const junitPath = join(folder, 'out.xml');
    const run = edgewise(['lint', file, '-f', 'sarif', '-o', sarifPath, '-f', 'junit', '-o', junitPath, '-f', 'github'], folder);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/^::warning file=.*deployment\.json,line=\d+,col=\d+,title=image-tag::image "mcr/m);
    const sarif = JSON.parse(readFileSync(sarifPath, 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    const result = sarif.runs[0].results.find((r: { ruleId: string }) => r.ruleId === 'image-tag');
    expect(result.locations[0].physicalLocation.region.startLine).toBeGreaterThan(1);
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('deployment.json');
    expect(result.partialFingerprints['edgewise/v1']).toMatch(/^[0-9a-f]{32}$/);
    expect(sarif.runs[0].tool.driver.rules[result.ruleIndex].helpUri).toMatch(/image-tag\.md$/);
    expect(readFileSync(junitPath, 'utf8')).toMatch(/<testsuite name=".*deployment\.json" tests="\d+" failures="\d+"/);
  });

  it('keeps SARIF fingerprints when lines move', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    const fingerprints = () => JSON.parse(edgewise(['lint', file, '-f', 'sarif'], folder).stdout).runs[0].results.map((r: { partialFingerprints: Record<string, string> }) => r.partialFingerprints['edgewise/v1']);
    const before = fingerprints();
    writeFileSync(file, '\n\n\n' + readFileSync(file, 'utf8'));
    expect(fingerprints()).toEqual(before);
  });

  it('applies config severities and suppressions, and reports unused suppressions', () => {
    const config = [
      'rules:',
      '  schema: off',
      '  upstream-protocol: error',
      'suppressions:',
      '  - file: "*.json"',
      '    pointer: /modulesContent/$edgeAgent/properties.desired/modules/sensor/settings/image',
      '    rule: image-tag',
      '    reason: the simulated sensor is only used in the lab',
      '  - file: "*.json"',
      '    pointer: /modulesContent/$edgeAgent/properties.desired/modules/missing',
      '    rule: image-tag',
      '    reason: stale',
      '',
    ].join('\n');
    const { folder, file } = workspace(config);
    const report = JSON.parse(edgewise(['lint', file, '-f', 'json'], folder).stdout);
    expect(report.results.map((r: { ruleId: string; severity: string }) => [r.ruleId, r.severity])).toEqual([
      ['upstream-protocol', 'error'],
      ['unused-suppression', 'warning'],
    ]);
    expect(report.results[1]).toMatchObject({ file: join(folder, '.edgewise.yaml'), line: 9, column: 5 });
  });

  it('refuses a suppression without a reason, naming the config line', () => {
    const { folder, file } = workspace('suppressions:\n  - file: "*.json"\n    pointer: /x\n    rule: image-tag\n');
    const run = edgewise(['lint', file], folder);
    expect(run.code).toBe(2);
    expect(run.stderr.trim()).toBe(`edgewise: ${join(folder, '.edgewise.yaml')}:2:5: a suppression needs a \`reason\`: say why the finding is acceptable`);
  });

  it('--fix writes the fixes and a second run is clean for the fixed rule', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    const first = edgewise(['lint', file, '--fix', '-f', 'json'], folder);
    expect(first.stderr).toMatch(/fixed 1 problem in .*deployment\.json/);
    expect(readFileSync(file, 'utf8')).toContain('"UpstreamProtocol": {\n                "value": "Mqtt"');
    const second = JSON.parse(edgewise(['lint', file, '-f', 'json'], folder).stdout);
    expect(second.results.map((r: { ruleId: string }) => r.ruleId)).not.toContain('upstream-protocol');
  });

  it('--fix-dry-run reports without writing', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    const before = readFileSync(file, 'utf8');
    const run = edgewise(['lint', file, '--fix-dry-run'], folder);
    expect(run.stderr).toMatch(/would fix 1 problem/);
    expect(readFileSync(file, 'utf8')).toBe(before);
  });

  it('lists the rules', () => {
    const run = edgewise(['rules']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^upstream-protocol +error +fix +UpstreamProtocol must be/m);
  });
});

describe('unused suppressions', () => {
  it('can be switched off in the config like any rule', () => {
    const config = ['rules:', '  unused-suppression: off', 'suppressions:', '  - file: "*.json"', '    pointer: /nowhere', '    rule: image-tag', '    reason: stale', ''].join('\n');
    const { folder, file } = workspace(config);
    const report = JSON.parse(edgewise(['lint', file, '-f', 'json'], folder).stdout);
    expect(report.results.map((r: { ruleId: string }) => r.ruleId)).not.toContain('unused-suppression');
  });
});
