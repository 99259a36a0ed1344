// `edgewise lint` as a child process: exit codes, several formats in one run, config,
// suppressions, --fix, and secrets that never reach any output. storage-unbound.json is
// templates/offline.json with edgeHub's storage bind dropped and a SAS token in its env.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const MIXED = join(ROOT, 'test', 'fixtures', 'lint', 'mixed.json');
const UNBOUND = join(ROOT, 'test', 'fixtures', 'lint', 'storage-unbound.json');
const SAS_TOKEN = 'SharedAccessSignature-sr=hub&sig=Qx7Vn2';

function edgewise(args: string[], cwd = ROOT, input?: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A fresh folder holding a fixture (by default the mixed one: errors and warnings), optionally with a config. */
function workspace(config?: string, fixture = MIXED): { folder: string; file: string } {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-lint-'));
  const file = join(folder, 'deployment.json');
  copyFileSync(fixture, file);
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

  it('never prints a secret in a --fix-dry-run diff or a --fix list', () => {
    const dry = edgewise(['lint', UNBOUND, '--fix-dry-run']);
    expect(dry.stdout).toContain('"SasToken": { "value": "****" },'); // a context line of the diff
    const { folder, file } = workspace(undefined, UNBOUND);
    const fix = edgewise(['lint', file, '--fix'], folder);
    for (const text of [dry.stdout, dry.stderr, fix.stdout, fix.stderr]) expect(text).not.toContain(SAS_TOKEN);
  });

  it('honours --max-warnings and --quiet', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    expect(edgewise(['lint', file], folder).code).toBe(0); // only warnings left
    expect(edgewise(['lint', file, '--max-warnings', '0'], folder).code).toBe(1);
    const quiet = edgewise(['lint', file, '--quiet', '-f', 'json'], folder);
    expect(JSON.parse(quiet.stdout).results).toEqual([]);
  });

  it('says so when --max-warnings is exceeded, and not when it is not', () => {
    const { folder, file } = workspace('rules:\n  schema: off\n');
    const warnings = JSON.parse(edgewise(['lint', file, '-f', 'json'], folder).stdout).summary.warnings as number;
    expect(warnings).toBeGreaterThan(1);
    const over = edgewise(['lint', file, '--max-warnings', '1'], folder);
    expect(over.code).toBe(1);
    expect(over.stderr).toBe(`${warnings} warnings, more than --max-warnings 1\n`);
    const within = edgewise(['lint', file, '--max-warnings', String(warnings)], folder);
    expect(within.code).toBe(0);
    expect(within.stderr).toBe('');
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
    expect(JSON.parse(first.stdout).results.map((r: { ruleId: string }) => r.ruleId)).not.toContain('upstream-protocol');
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

  it('--fix lists each fix it applied: file:line, rule, before → after', () => {
    const { folder, file } = workspace(undefined, UNBOUND);
    const run = edgewise(['lint', 'deployment.json', '--fix'], folder);
    const line = readFileSync(UNBOUND, 'utf8').split('\n').lastIndexOf('              "storageFolder": {') + 2;
    expect(run.stderr).toBe(`deployment.json:${line}  storage-folder-bind  HostConfig.Binds: (none) → ["/srv/iotedge/edgehub:/iotedge/storage"]\nfixed 1 problem in deployment.json\n`);
    expect(readFileSync(file, 'utf8')).toContain('\\"Binds\\":[\\"/srv/iotedge/edgehub:/iotedge/storage\\"]');
    expect(run.stdout).not.toContain('storage-folder-bind');
  });

  it('--fix-dry-run never writes, even with --fix, and prints the change as a unified diff', () => {
    const { folder, file } = workspace(undefined, UNBOUND);
    const before = readFileSync(file, 'utf8');
    const run = edgewise(['lint', 'deployment.json', '--fix', '--fix-dry-run'], folder);
    expect(readFileSync(file, 'utf8')).toBe(before);
    expect(run.code).toBe(0); // the error is fixed in the dry-run result; warnings and infos remain
    const [diff, report] = run.stdout.split('\n\ndeployment.json\n');
    const changed = before.split('\n').findIndex((text) => text.includes('"createOptions": "{\\"HostConfig\\":{\\"PortBindings')) + 1;
    expect(diff!.split('\n').slice(0, 3)).toEqual(['--- deployment.json', '+++ deployment.json', `@@ -${changed - 3},7 +${changed - 3},7 @@`]);
    expect(diff!.split('\n').filter((text) => /^[-+][^-+]/.test(text))).toEqual([
      `-${before.split('\n')[changed - 1]}`,
      `+${before.split('\n')[changed - 1]!.replace('}}}"', '},\\"Binds\\":[\\"/srv/iotedge/edgehub:/iotedge/storage\\"]}}"')}`,
    ]);
    expect(report).toMatch(/plaintext-secret/);
    expect(report).not.toMatch(/storage-folder-bind/);
    expect(run.stderr).toBe('would fix 1 problem in deployment.json\n');
  });

  it('--fix-dry-run keeps stdout machine-readable: with -f json the diff goes to stderr', () => {
    const run = edgewise(['lint', UNBOUND, '--fix-dry-run', '-f', 'json']);
    expect(JSON.parse(run.stdout).results.map((r: { ruleId: string }) => r.ruleId)).not.toContain('storage-folder-bind');
    expect(run.stderr).toMatch(/^--- .*storage-unbound\.json\n\+\+\+ .*\n@@ /);
    expect(run.stderr).toMatch(/would fix 1 problem in .*storage-unbound\.json\n$/);
  });

  it('--fix-dry-run reads stdin and prints the diff of <stdin>', () => {
    const run = edgewise(['lint', '-', '--fix-dry-run', '--fix'], ROOT, readFileSync(UNBOUND, 'utf8'));
    expect(run.stdout).toMatch(/^--- <stdin>\n\+\+\+ <stdin>\n@@ /);
    expect(run.stderr).toBe('would fix 1 problem in <stdin>\n');
  });

  it('stylish fits 100 columns: message and rule id on the finding line, the advice indented below', () => {
    const run = edgewise(['lint', UNBOUND]);
    const lines = run.stdout.split('\n').filter((text) => text.startsWith('  '));
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.filter((text) => text.length > 100)).toEqual([]);
    const at = lines.findIndex((text) => text.endsWith('  storage-folder-bind'));
    expect(lines[at]).toMatch(/^ {2}\d+:\d+ +error {4}edgeHub sets StorageFolder=\/iotedge\/storage but no +storage-folder-bind$/);
    expect(lines[at + 1]).toMatch(/^ {18}HostConfig\.Binds entry mounts it, so messages/);
    expect(lines[at + 2]).toMatch(/^ {18}container is recreated$/);
    expect(lines[at + 3]).toMatch(/^ {20}add "\/srv\/iotedge\/edgehub:\/iotedge\/storage" to HostConfig\.Binds/);
  });

  it('junit: info findings pass, warnings and errors fail', () => {
    // storage-permissions, the info rule this file triggers, is opt-in: the config turns it on.
    const { folder, file } = workspace('rules:\n  storage-permissions: info\n', UNBOUND);
    const report = JSON.parse(edgewise(['lint', file, '-f', 'json'], folder).stdout);
    const { errors, warnings, infos } = report.summary;
    expect(infos).toBeGreaterThan(0);
    const xml = edgewise(['lint', file, '-f', 'junit'], folder).stdout;
    expect(xml).toContain(`<testsuites name="edgewise" tests="${errors + warnings + infos}" failures="${errors + warnings}" errors="0">`);
    expect((xml.match(/<system-out>/g) ?? []).length).toBe(infos);
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

describe('paths that hold no manifest', () => {
  const NONE = 'no manifests found under config/; check the path or pass files explicitly';

  /** A project folder whose config/ holds only other JSON (package.json, a VS Code settings file). */
  function project(): string {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-none-'));
    mkdirSync(join(folder, 'config'));
    writeFileSync(join(folder, 'config', 'package.json'), '{"name": "not-a-manifest"}\n');
    writeFileSync(join(folder, 'config', 'settings.json'), '{"azure-iot-edge.defaultPlatform": {"platform": "amd64"}}\n');
    return folder;
  }

  it('exit 2 with one line on stderr, as ESLint does when no file matches', () => {
    const folder = project();
    const run = edgewise(['lint', 'config/'], folder);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`edgewise: ${NONE}\n`);
    expect(edgewise(['lint', 'config'], folder).stderr).toBe(`edgewise: ${NONE}\n`);
  });

  it('with no path (the current folder), and for an empty folder', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-empty-'));
    const bare = edgewise(['lint'], folder);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toBe('edgewise: no manifests found under ./; check the path or pass files explicitly\n');
    mkdirSync(join(folder, 'config'));
    expect(edgewise(['lint', 'config', '-f', 'json'], folder)).toMatchObject({ code: 2, stdout: '', stderr: `edgewise: ${NONE}\n` });
  });

  it('a folder with one manifest among other JSON is checked as before', () => {
    const folder = project();
    copyFileSync(join(ROOT, 'templates', 'minimal.json'), join(folder, 'config', 'deployment.json'));
    const run = edgewise(['lint', 'config'], folder);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('✔ 1 file checked, no problems');
  });
});
