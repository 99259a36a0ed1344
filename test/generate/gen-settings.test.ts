// `edgewise gen` takes the template and platform from iotedgedev's solution settings, as
// `iotedgedev solution genconfig` does: DEPLOYMENT_CONFIG_TEMPLATE_FILE and DEFAULT_PLATFORM,
// from the environment or .env (Azure/iotedgedev envvars.py, cli.py; .env laid out as its .env.tmp).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runGen } from '../../src/cli/commands/gen.js';
import { InputError } from '../../src/errors.js';

const SETTINGS = join(import.meta.dirname, '..', 'fixtures', 'generate', 'settings-solution');
const SOLUTION = join(import.meta.dirname, '..', 'fixtures', 'generate', 'solution');
const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI (dist/, built by `npm test` first), as a user runs it. */
function edgewise(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const imageOf = (text: string): string => JSON.parse(text).modulesContent.$edgeAgent['properties.desired'].modules.filtermodule.settings.image;

describe('edgewise gen and the .env solution settings', () => {
  it('takes the template from DEPLOYMENT_CONFIG_TEMPLATE_FILE and the platform from DEFAULT_PLATFORM', async () => {
    const result = await runGen([], { cwd: SETTINGS, environment: {} });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.files.map((file) => file.path)).toEqual([join(SETTINGS, 'config', 'release.arm32v7.json')]);
    expect(imageOf(result.files[0]!.text)).toBe('localhost:5000/filtermodule:0.0.1-arm32v7');
    expect(result.stderr).toContain('edgewise: generated config/release.arm32v7.json from release.template.json (platform arm32v7, DEFAULT_PLATFORM)');
  });

  it('lets --platform win over DEFAULT_PLATFORM, and the real environment win over .env', async () => {
    const flag = await runGen([], { cwd: SETTINGS, environment: {}, platform: 'amd64' });
    expect(imageOf(flag.files[0]!.text)).toBe('localhost:5000/filtermodule:0.0.1-amd64');
    expect(flag.stderr).toContain('(platform amd64)');
    const environment = await runGen([], { cwd: SETTINGS, environment: { DEFAULT_PLATFORM: 'amd64' } });
    expect(environment.files[0]!.path).toBe(join(SETTINGS, 'config', 'release.amd64.json'));
  });

  it('treats an empty setting as unset, as iotedgedev get_envvar does', async () => {
    const result = await runGen([], { cwd: SETTINGS, environment: { DEFAULT_PLATFORM: '  ' } });
    expect(result.files[0]!.path).toBe(join(SETTINGS, 'config', 'release.amd64.json'));
  });

  it('defaults to deployment.template.json and amd64 without the settings', async () => {
    const result = await runGen([], { cwd: SOLUTION, environment: {} });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.files.map((file) => file.path)).toEqual([join(SOLUTION, 'config', 'deployment.amd64.json')]);
  });

  it('says which setting named a template that does not exist', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'edgewise-gen-'));
    await expect(runGen([], { cwd: empty, environment: {} })).rejects.toThrow(InputError);
    await expect(runGen([], { cwd: empty, environment: {} })).rejects.toThrow('no template given, and without DEPLOYMENT_CONFIG_TEMPLATE_FILE gen looks for deployment.template.json, which does not exist');
    writeFileSync(join(empty, '.env'), 'DEPLOYMENT_CONFIG_TEMPLATE_FILE=edge/deployment.template.json\n');
    await expect(runGen([], { cwd: empty, environment: {} })).rejects.toThrow('DEPLOYMENT_CONFIG_TEMPLATE_FILE (.env or the environment) names edge/deployment.template.json, which does not exist');
  });

  it('says where a bad DEFAULT_PLATFORM came from', async () => {
    await expect(runGen([], { cwd: SETTINGS, environment: { DEFAULT_PLATFORM: 'arm 32' } })).rejects.toThrow('DEFAULT_PLATFORM (.env or the environment) "arm 32" is not a platform name');
  });

  it('runs as `edgewise gen` with no arguments in the solution folder', () => {
    const run = edgewise(['gen', '-o', '-'], SETTINGS);
    expect(run.code, run.stderr).toBe(0);
    expect(imageOf(run.stdout)).toBe('localhost:5000/filtermodule:0.0.1-arm32v7');
    expect(existsSync(join(SETTINGS, 'config'))).toBe(false);
  });
});
