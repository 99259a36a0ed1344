// The real CLI as a child process: exit codes, formats, stdin, folders, and one-line errors.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CORPUS = join(ROOT, 'test', 'fixtures', 'corpus');
const MALFORMED = join(CORPUS, 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_malformed.json');

function edgewise(args: string[], input?: string) {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd: ROOT, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '' } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('edgewise validate', () => {
  it('exits 0 and says so when every manifest is valid', () => {
    const run = edgewise(['validate', 'templates']);
    const templates = readdirSync(join(ROOT, 'templates')).filter((name) => /\.(json|ya?ml)$/.test(name)).length;
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`✔ ${templates} files checked, no problems`);
    expect(run.stdout).not.toMatch(/\u001b\[/); // no colour when stdout is not a terminal
  });

  it('exits 1 on findings and writes the JSON report shape', () => {
    const run = edgewise(['validate', MALFORMED, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(Object.keys(report)).toEqual(['version', 'results', 'summary']);
    expect(report.version).toBe(1);
    expect(report.summary).toEqual({ files: 1, errors: 4, warnings: 0, infos: 0 });
    expect(Object.keys(report.results[0])).toEqual(['file', 'ruleId', 'severity', 'message', 'pointer', 'line', 'column']);
  });

  it('prints stylish findings as file, line:column, severity, message and rule', () => {
    const run = edgewise(['validate', MALFORMED]);
    expect(run.code).toBe(1);
    // Wrapped to fit 100 columns, the rule id at the end of the finding's line.
    expect(run.stdout).toMatch(/\n {2}31:46 +error +`restartPolicy` must be one of never, on-failure, on-unhealthy, always +schema\n {18}\(got "on-failured"\)\n/);
    expect(run.stdout).toContain('✖ 4 problems (4 errors, 0 warnings, 0 info) in 1 file');
  });

  it('reads JSON and YAML from stdin with -', () => {
    const yaml = 'modulesContent:\n  $edgeHub:\n    properties.desired:\n      schemaVersion: "2.0"\n';
    const run = edgewise(['validate', '-', '--format', 'json'], yaml);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).results[0]).toMatchObject({ file: '<stdin>', line: 4, column: 22 });
  });

  it('walks folders for manifests, skipping other JSON files and node_modules', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-folder-'));
    mkdirSync(join(folder, 'config'));
    mkdirSync(join(folder, 'node_modules'));
    copyFileSync(MALFORMED, join(folder, 'config', 'deployment.json'));
    copyFileSync(MALFORMED, join(folder, 'node_modules', 'ignored.json'));
    writeFileSync(join(folder, 'package.json'), '{"name": "not-a-manifest"}');
    writeFileSync(join(folder, 'notes.txt'), 'not json');
    // Unparsable files that are not manifests are not ours to report: a CloudFormation template
    // with custom tags, a JSON file with comments.
    writeFileSync(join(folder, 'stack.yaml'), 'Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n    Name: !Ref BucketName\n');
    writeFileSync(join(folder, 'tsconfig.json'), '{\n  // comment\n  "compilerOptions": {}\n}\n');
    const run = edgewise(['validate', folder, '--format', 'json']);
    const report = JSON.parse(run.stdout);
    expect(report.summary.files).toBe(1);
    expect(new Set(report.results.map((r: { file: string }) => r.file))).toEqual(new Set([join(folder, 'config', 'deployment.json')]));
  });

  it('refuses files over the size limit with a finding, not a crash', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-big-'));
    const big = join(folder, 'big.json');
    writeFileSync(big, '{"modulesContent": {"x": "' + 'a'.repeat(9 * 1024 * 1024) + '"}}');
    const run = edgewise(['validate', big, '--format', 'json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout).results[0].message).toMatch(/over the 8388608-byte limit/);
  });

  it('gives a one-line usage error and exit 2 for a missing path, with no stack trace', () => {
    const run = edgewise(['validate', 'does/not/exist.json']);
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toEqual(['edgewise: does/not/exist.json: no such file or folder; check the path']);
  });

  it('exits 2 when the paths hold no manifest, with the same line as lint', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-none-'));
    mkdirSync(join(folder, 'config'));
    writeFileSync(join(folder, 'config', 'package.json'), '{"name": "not-a-manifest"}');
    const run = edgewise(['validate', join(folder, 'config')]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`edgewise: no manifests found under ${join(folder, 'config')}/; check the path or pass files explicitly\n`);
    const empty = mkdtempSync(join(tmpdir(), 'edgewise-empty-'));
    expect(edgewise(['validate', empty, '--format', 'json'])).toMatchObject({ code: 2, stdout: '' });
  });

  it('exits 2 for an unknown format', () => {
    const run = edgewise(['validate', 'templates', '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are stylish, json/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('reports an unparsable file as a parse finding with line and column', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-parse-'));
    const file = join(folder, 'broken.json');
    writeFileSync(file, '{\n  "modulesContent": {\n    "$edgeAgent": \n  }\n}\n');
    const run = edgewise(['validate', file]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/4:3 +error +invalid JSON: a value was expected +parse/);
  });
});

describe('edgewise validate over many files (worker threads)', () => {
  it('checks every file, keeps input order, and finds the one bad manifest', () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-many-'));
    const valid = readFileSync(join(ROOT, 'templates', 'minimal.json'), 'utf8');
    const count = 450; // above the threshold where validation spreads over worker threads
    for (let i = 0; i < count; i++) {
      const text = i === 321 ? valid.replace('"restartPolicy": "always"', '"restartPolicy": "sometimes"') : valid;
      writeFileSync(join(folder, `deployment-${String(i).padStart(4, '0')}.json`), text);
    }
    writeFileSync(join(folder, 'deployment-0007.json'), '{"modulesContent": {"$edgeAgent": ');
    const run = edgewise(['validate', folder, '--format', 'json']);
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout);
    expect(report.summary).toEqual({ files: count, errors: 2, warnings: 0, infos: 0 });
    expect(report.results.map((r: { file: string; ruleId: string }) => [r.file.slice(-20), r.ruleId])).toEqual([
      ['deployment-0007.json', 'parse'],
      ['deployment-0321.json', 'schema'],
    ]);
  });
});
