// `edgewise gen`: iotedgedev `solution genconfig` parity and the places where it does better.
// The solution under test/fixtures/generate/solution is laid out as iotedgedev creates one:
// deployment.template.json, .env, modules/<dir>/module.json (module.json format from
// Azure/iotedgedev iotedgedev/template/modules/filtermodule/module.json).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutput } from '../../src/lint/write-gate.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { joinCreateOptions } from '../../src/manifest/docker/join-create-options.js';
import { InputError } from '../../src/errors.js';

const SOLUTION = join(import.meta.dirname, '..', 'fixtures', 'generate', 'solution');

async function gen(templates: string[], options: Parameters<typeof runGen>[1] = {}) {
  return runGen(templates, { cwd: SOLUTION, environment: {}, ...options });
}

function only(result: Awaited<ReturnType<typeof runGen>>): { path: string; manifest: any; text: string } {
  expect(result.files).toHaveLength(1);
  const [file] = result.files;
  return { path: file!.path, manifest: JSON.parse(file!.text), text: file!.text };
}

const modules = (manifest: any) => manifest.modulesContent.$edgeAgent['properties.desired'].modules;

describe('edgewise gen', () => {
  it('writes config/<name>.<platform>.json with images, variables and createOptions filled in', async () => {
    const result = await gen(['deployment.template.json']);
    expect(result.exitCode).toBe(0);
    const { path, manifest, text } = only(result);
    expect(path).toBe(join(SOLUTION, 'config', 'deployment.amd64.json'));
    expect(manifest).not.toHaveProperty('$schema-template');
    // <repository lowercased>:<version>-<platform>, repository expanded from .env
    expect(modules(manifest).filtermodule.settings.image).toBe('localhost:5000/filtermodule:0.0.1-amd64');
    expect(modules(manifest).SampleModule.settings.image).toBe('contoso.azurecr.io/samplemodule:1.2.3-amd64');
    // A placeholder outside any string becomes a number, as with iotedgedev's text-level expansion.
    expect(manifest.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs).toBe(7200);
    expect(manifest.modulesContent.$edgeAgent['properties.desired'].runtime.settings.registryCredentials.localregistry).toEqual({ username: 'builder', password: 'registry-password-for-tests', address: 'localhost:5000' });
    expect(text.endsWith('}\n')).toBe(true);
    expect((await checkOutput(path, text)).findings.filter((finding) => finding.severity === 'error')).toEqual([]);
  });

  it('serialises createOptions compactly into 512-character chunks and escapes values inside strings', async () => {
    const { manifest } = only(await gen(['deployment.template.json']));
    const settings = modules(manifest).filtermodule.settings;
    expect(Object.keys(settings)).toEqual(['image', 'createOptions', 'createOptions01']);
    expect(settings.createOptions).toHaveLength(512);
    const template = JSON.parse(readFileSync(join(SOLUTION, 'deployment.template.json'), 'utf8').replace('${TTL}', '0'));
    const written = template.modulesContent.$edgeAgent['properties.desired'].modules.filtermodule.settings.createOptions;
    const joined = joinCreateOptions(settings, '/s')!;
    expect(joined.joined).toBe(JSON.stringify({ ...written, Env: ['LOG_FOLDER=C:\\edge\\logs'] }));
    // A backslash pasted raw into the JSON text (iotedgedev) would have made "\e" an invalid escape.
    expect(joined.value!.Env).toEqual(['LOG_FOLDER=C:\\edge\\logs']);
    // A string createOptions of 512 characters or less is left as written.
    expect(modules(manifest).SampleModule.settings.createOptions).toBe('{}');
  });

  it('honours --platform and CONTAINER_TAG, and resolves ${MODULES.x.debug} to <platform>.debug', async () => {
    const amd = only(await gen(['filter-only.template.json'], { environment: { CONTAINER_TAG: 'ci42' } }));
    expect(modules(amd.manifest).filtermodule.settings.image).toBe('localhost:5000/filtermodule:0.0.1-ci42-amd64');
    expect(modules(amd.manifest).debugfilter.settings.image).toBe('localhost:5000/filtermodule:0.0.1-ci42-amd64.debug');

    const arm = await gen(['filter-only.template.json'], { platform: 'arm32v7' });
    expect(arm.exitCode).toBe(1);
    expect(arm.files).toEqual([]);
    // module.json has arm32v7 but no arm32v7.debug
    expect(arm.stderr).toContain('filter-only.template.json:50:25  error  ${MODULES.filtermodule.debug} has no arm32v7.debug image');
  });

  it('lets the real environment win over .env, as iotedgedev does', async () => {
    const { manifest } = only(await gen(['filter-only.template.json'], { environment: { CONTAINER_REGISTRY_SERVER: 'registry.example.com' } }));
    expect(modules(manifest).filtermodule.settings.image).toBe('registry.example.com/filtermodule:0.0.1-amd64');
  });

  it('lists every unresolved placeholder with file:line:column and writes nothing', async () => {
    const result = await gen(['unresolved.template.json']);
    expect(result.exitCode).toBe(1);
    expect(result.files).toEqual([]);
    const lines = result.stderr.split('\n').filter((line) => line.includes('unresolved-placeholder'));
    expect(lines.map((line) => line.split('  ')[0])).toEqual(['unresolved.template.json:14:30', 'unresolved.template.json:15:30', 'unresolved.template.json:46:25']);
    expect(result.stderr).toContain('${ACR_USER} is not set; set ACR_USER in the environment or .env');
    expect(result.stderr).toContain('$ACR_PASSWORD is not set');
    expect(result.stderr).toContain('${MODULES.nomodule} cannot be resolved: there is no');
  });

  it('keeps unresolved placeholders with --allow-unresolved, as warnings', async () => {
    const result = await gen(['unresolved.template.json'], { allowUnresolved: true, output: 'out.json' });
    expect(result.exitCode).toBe(0);
    const { text } = only(result);
    expect(text).toContain('"username": "${ACR_USER}"');
    expect(result.stderr).toContain('unresolved.template.json:14:30  warning');
    // `edgewise lint --flavour manifest` on the written file still flags them; plain lint takes a
    // file with ${MODULES.…} images for a template, and says so.
    expect((await checkOutput('out.json', text, { flavour: 'manifest' })).findings.some((finding) => finding.ruleId === 'unresolved-placeholder' && finding.severity === 'error')).toBe(true);
    expect((await checkOutput('out.json', text)).findings.some((finding) => finding.ruleId === 'unresolved-placeholder' && /linted as a template/.test(finding.message))).toBe(true);
  });

  it('places an unset placeholder outside strings, where the file is not JSON until it is set', async () => {
    const result = await gen(['deployment.template.json'], { env: 'no-ttl.env' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('deployment.template.json:117:29  error  ${TTL} is not set; set TTL in the environment or no-ttl.env');
  });

  it('refuses a module.json whose repository needs an unset variable (iotedgedev ships ${container_registry_server}/…)', async () => {
    // iotedgedev's own tests/assets/deployment.amd64.json expects "${container_registry_server}/sample_module:0.0.1-amd64".
    const result = await gen(['filter-only.template.json'], { env: 'no-registry.env' });
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/modules[/\\]filtermodule[/\\]module\.json:5:24 {2}error {2}\$\{CONTAINER_REGISTRY_SERVER\} is not set/);
  });

  it('generates from a YAML template: a plain ${TTL} becomes a number, a createOptions mapping is chunked', async () => {
    const { path, manifest, text } = only(await gen(['deployment.template.yaml']));
    expect(path).toBe(join(SOLUTION, 'config', 'deployment.amd64.json'));
    expect(manifest.modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration.timeToLiveSecs).toBe(7200);
    expect(manifest.modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.settings.createOptions).toBe('{"HostConfig":{"PortBindings":{"8883/tcp":[{"HostPort":"8883"}]}}}');
    expect(modules(manifest).filtermodule.settings.image).toBe('localhost:5000/filtermodule:0.0.1-amd64');
    expect((await checkOutput(path, text)).ok).toBe(true);
  });

  it('does not write a manifest with lint errors, and places them in the template', async () => {
    const result = await gen(['unbound-storage.template.json']);
    expect(result.exitCode).toBe(1);
    expect(result.files).toEqual([]);
    expect(result.stderr).toContain('edgewise gen: refused to write config/unbound-storage.amd64.json: the manifest generated from unbound-storage.template.json has 1 lint error (placed in the template):\n');
    expect(result.stderr).toMatch(/unbound-storage\.template\.json:33:26 {2}error {2}edgeHub sets StorageFolder=\/iotedge\/storage but no HostConfig\.Binds entry mounts it.* {2}storage-folder-bind/);
  });

  it('writes to stdout with --output -, and refuses --output with several templates', async () => {
    const result = await gen(['filter-only.template.json'], { output: '-' });
    expect(result.files).toEqual([]);
    expect(JSON.parse(result.stdout)).toHaveProperty('modulesContent');
    await expect(gen(['a.template.json', 'b.template.json'], { output: 'x.json' })).rejects.toThrow(InputError);
    await expect(gen(['missing.template.json'])).rejects.toThrow(/no such template/);
    await expect(gen(['filter-only.template.json'], { env: 'missing.env' })).rejects.toThrow(/no such .env file/);
  });

  it('is deterministic, and generating from its own output changes nothing', async () => {
    const first = only(await gen(['deployment.template.json']));
    const second = only(await gen(['deployment.template.json']));
    expect(second.text).toBe(first.text);
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-gen-'));
    writeFileSync(join(folder, 'deployment.json'), first.text);
    const again = only(await runGen(['deployment.json'], { cwd: folder, environment: {}, output: 'again.json' }));
    expect(again.text).toBe(first.text);
  });
});
