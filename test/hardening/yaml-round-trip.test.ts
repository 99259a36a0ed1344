// Issue 9, item 2: YAML is a documented authoring form, yet merge and patch failed on every YAML
// base with "internal error: n is not a function" — only in the bundled CLI, whose `yaml` chunk
// has a default export alone, so tests that import the sources never saw it. So every command
// that reads a manifest runs here as users run it (bin/edgewise.js, built by `npm test`) on YAML,
// and every command that writes one writes YAML back, which must read as the expected value.
// The fixtures are MS Learn's layered-deployment base and a layer (test/fixtures/merge), in YAML.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '..', '..');
const FIXTURES = join(ROOT, 'test', 'fixtures', 'hardening', 'yaml');
const FILES = ['deployment.yaml', 'layer.yaml', 'stop-sensor.patch.yaml', 'deployment.template.yaml'];

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'edgewise-yaml-'));
  for (const file of FILES) copyFileSync(join(FIXTURES, file), join(dir, file));
});

function edgewise(args: string[], env: Record<string, string> = {}) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', ...env } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const read = (file: string): string => readFileSync(join(dir, file), 'utf8');
const deployment = (): any => parse(readFileSync(join(FIXTURES, 'deployment.yaml'), 'utf8'));
const desired = (manifest: any, twin: string): any => manifest.content.modulesContent[twin]['properties.desired'];

/** YAML text, not JSON (which YAML also reads): block style, no leading brace. */
function expectYaml(text: string): any {
  expect(text.trimStart().startsWith('{')).toBe(false);
  return parse(text);
}

describe('every command reads YAML', () => {
  it('validate', () => {
    const run = edgewise(['validate', 'deployment.yaml', 'layer.yaml']);
    expect(run.stdout).toContain('2 files checked, no problems');
    expect(run.code).toBe(0);
  });

  it('lint, in a machine-readable format too', () => {
    const run = edgewise(['lint', '-f', 'json', 'deployment.yaml', 'layer.yaml']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { results: { file: string; ruleId: string; line: number }[] };
    expect(report.results.map((result) => [result.file, result.ruleId, result.line])).toEqual([['deployment.yaml', 'upstream-protocol', 28]]);
  });

  it('diff, between YAML and JSON forms of one manifest, and of a change', () => {
    const converted = edgewise(['convert', 'deployment.yaml', '-o', 'deployment.json']);
    expect(converted.code).toBe(0);
    expect(edgewise(['diff', '--exit-code', 'deployment.yaml', 'deployment.json']).code).toBe(0);
    const run = edgewise(['diff', 'deployment.yaml', 'deployment.yaml', '--layer', 'layer.yaml', '--priority', '10']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('+ route alertsToUpstream added');
  });

  it('offline plan', () => {
    const run = edgewise(['offline', 'plan', 'deployment.yaml', '--rate', '10', '--size', '1KB', '-f', 'json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toBeTypeOf('object');
  });

  it('gen, from a YAML template (its output is JSON, as iotedgedev writes it)', () => {
    const run = edgewise(['gen', 'deployment.template.yaml', '-o', '-'], { SENSOR_TAG: '1.5' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).modulesContent.$edgeAgent['properties.desired'].modules.SimulatedTemperatureSensor.settings.image).toBe('mcr.microsoft.com/azureiotedge-simulated-temperature-sensor:1.5');
  });
});

describe('every command that writes a manifest writes YAML for YAML', () => {
  it('patch, with the patch itself in YAML', () => {
    const run = edgewise(['patch', 'deployment.yaml', 'stop-sensor.patch.yaml']);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    const expected = deployment();
    desired(expected, '$edgeAgent').modules.SimulatedTemperatureSensor.status = 'stopped';
    expect(expectYaml(run.stdout)).toEqual(expected);
  });

  it('patch -o FILE.yaml', () => {
    const run = edgewise(['patch', 'deployment.yaml', 'stop-sensor.patch.yaml', '-o', 'patched.yaml']);
    expect(run.code).toBe(0);
    expect(desired(expectYaml(read('patched.yaml')), '$edgeAgent').modules.SimulatedTemperatureSensor.status).toBe('stopped');
  });

  it('diff -f patch between YAML files, applied by patch, gives B', () => {
    expect(edgewise(['merge', 'deployment.yaml', 'layer.yaml', '--priority', '10', '-o', 'merged.yaml']).code).toBe(0);
    const diff = edgewise(['diff', '-f', 'patch', '--show-secrets', 'deployment.yaml', 'merged.yaml']);
    expect(diff.code).toBe(0);
    writeFileSync(join(dir, 'to-merged.patch.json'), diff.stdout);
    const run = edgewise(['patch', 'deployment.yaml', 'to-merged.patch.json']);
    expect(run.code).toBe(0);
    expect(expectYaml(run.stdout)).toEqual(parse(read('merged.yaml')));
  });

  it('merge, with a YAML layer', () => {
    const run = edgewise(['merge', 'deployment.yaml', 'layer.yaml', '--priority', '10']);
    expect(run.stderr).not.toContain('internal error');
    expect(run.code).toBe(0);
    const merged = expectYaml(run.stdout);
    expect(desired(merged, '$edgeAgent').modules.alerts.settings.image).toBe('contoso.azurecr.io/alerts:1.0.0');
    expect(desired(merged, '$edgeHub').routes).toEqual({ upstream: 'FROM /messages/* INTO $upstream', alertsToUpstream: 'FROM /messages/modules/alerts/* INTO $upstream' });
    expect(desired(merged, 'alerts')).toEqual({ threshold: 30 });
  });

  it('offline enable, keeping the comments', () => {
    const run = edgewise(['offline', 'enable', 'deployment.yaml', '--ttl', '86400']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('# the plant firewall only opens 8883');
    const enabled = expectYaml(run.stdout);
    expect(desired(enabled, '$edgeHub').storeAndForwardConfiguration.timeToLiveSecs).toBe(86400);
    expect(desired(enabled, '$edgeAgent').systemModules.edgeAgent.env.UpstreamProtocol).toEqual({ value: 'Mqtt' });
  });

  it('lint --fix, keeping the comments', () => {
    const run = edgewise(['lint', '--fix', 'deployment.yaml']);
    expect(run.code).toBe(0);
    const text = read('deployment.yaml');
    expect(text).toContain('# the plant firewall only opens 8883');
    expect(desired(expectYaml(text), '$edgeAgent').systemModules.edgeAgent.env.UpstreamProtocol).toEqual({ value: 'Mqtt' });
  });

  it('convert, JSON back to YAML, to the same value', () => {
    expect(edgewise(['convert', 'deployment.yaml', '-o', 'deployment.json']).code).toBe(0);
    const run = edgewise(['convert', 'deployment.json', '--to', 'yaml']);
    expect(run.code).toBe(0);
    expect(expectYaml(run.stdout)).toEqual(deployment());
  });
});
