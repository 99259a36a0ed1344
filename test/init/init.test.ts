// `edgewise init` and the bundled templates: every template lints clean as written, as init
// writes it (JSON and YAML, parameters filled or kept), and every ${…} in it is a documented parameter.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkOutput } from '../../src/lint/write-gate.js';
import { runGen } from '../../src/cli/commands/gen.js';
import { runInit } from '../../src/cli/commands/init.js';
import { TEMPLATES, TEMPLATES_DIR } from '../../src/init/template-catalogue.js';
import { InputError } from '../../src/errors.js';

const folder = () => mkdtempSync(join(tmpdir(), 'edgewise-init-'));
const errorsOf = async (file: string, text: string) => (await checkOutput(file, text)).findings.filter((finding) => finding.severity === 'error');

describe('bundled templates', () => {
  it('are all in the catalogue, deployable as written, and hold each parameter default', () => {
    const files = readdirSync(TEMPLATES_DIR).filter((file) => file.endsWith('.json')).sort();
    expect(TEMPLATES.map((entry) => entry.file).sort()).toEqual(files);
    for (const entry of TEMPLATES) {
      const text = readFileSync(join(TEMPLATES_DIR, entry.file), 'utf8');
      expect(text, entry.name).not.toContain('${');
      for (const parameter of entry.parameters) expect(text, `${entry.name} ${parameter.name}`).toContain(parameter.default);
    }
  });

  it.each(TEMPLATES.map((entry) => entry.file))('%s lints without errors or warnings', async (file) => {
    const { findings } = await checkOutput(join('templates', file), readFileSync(join(TEMPLATES_DIR, file), 'utf8'));
    // sensor-pipeline's filter module comes from the local registry iotedgedev sets up
    // (localhost:5000), which needs no credentials: at most an info, never a warning.
    expect(findings.filter((finding) => finding.severity !== 'info')).toEqual([]);
  });
});

describe('edgewise init', () => {
  it.each(TEMPLATES.map((entry) => entry.name))('writes %s as JSON and as YAML, both linting clean', async (name) => {
    const cwd = folder();
    for (const yaml of [false, true]) {
      const result = await runInit({ template: name, yaml, cwd });
      expect(result.exitCode, result.stderr).toBe(0);
      const [file] = result.files;
      expect(file!.path).toBe(join(cwd, yaml ? 'deployment.yaml' : 'deployment.json'));
      expect(file!.text).not.toContain('${');
      expect(file!.text).not.toContain('$schema-template');
      expect(await errorsOf(file!.path, file!.text)).toEqual([]);
    }
  });

  it('fills parameters from --set, or their defaults', async () => {
    const defaults = await runInit({ template: 'offline', output: '-' });
    expect(defaults.stdout).toBe(readFileSync(join(TEMPLATES_DIR, 'offline.json'), 'utf8'));
    const hub = (text: string) => JSON.parse(text).modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub;
    expect(JSON.parse(hub(defaults.stdout).settings.createOptions).HostConfig.Binds).toEqual(['/srv/iotedge/edgehub:/iotedge/storage']);
    expect(defaults.stderr).toContain('EDGEHUB_STORAGE_PATH=/srv/iotedge/edgehub (default)');
    const set = await runInit({ template: 'offline', output: '-', set: ['EDGEHUB_STORAGE_PATH=/data/edgehub'] });
    expect(JSON.parse(hub(set.stdout).settings.createOptions).HostConfig.Binds).toEqual(['/data/edgehub:/iotedge/storage']);
    // the info findings say how to prepare the host folders
    expect(set.stderr).toContain('sudo chown -R 13623 /data/edgehub');
    const pipeline = await runInit({ template: 'sensor-pipeline', output: '-' });
    expect(pipeline.stdout).toContain('"image": "localhost:5000/filtermodule:0.0.1-amd64"');
  });

  it('keeps parameters for edgewise gen with --keep-params, and gen fills them', async () => {
    const cwd = folder();
    const result = await runInit({ template: 'offline', keepParams: true, cwd });
    const [file] = result.files;
    expect(file!.path).toBe(join(cwd, 'deployment.template.json'));
    const template = JSON.parse(file!.text);
    expect(Object.keys(template)[0]).toBe('$schema-template');
    expect(template.modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.settings.createOptions.HostConfig.Binds).toEqual(['${EDGEHUB_STORAGE_PATH}:/iotedge/storage']);
    expect(await errorsOf('deployment.template.json', file!.text)).toEqual([]);
    writeFileSync(file!.path, file!.text);
    const generated = await runGen(['deployment.template.json'], { cwd, environment: { EDGEHUB_STORAGE_PATH: '/mnt/hub', EDGEAGENT_STORAGE_PATH: '/mnt/agent' } });
    expect(generated.exitCode, generated.stderr).toBe(0);
    expect(generated.files[0]!.text).toContain('/mnt/hub:/iotedge/storage');
    // with the defaults, gen gives back what init writes
    const defaults = await runGen(['deployment.template.json'], { cwd, environment: { EDGEHUB_STORAGE_PATH: '/srv/iotedge/edgehub', EDGEAGENT_STORAGE_PATH: '/srv/iotedge/edgeagent' }, output: '-' });
    expect(defaults.stdout).toBe(readFileSync(join(TEMPLATES_DIR, 'offline.json'), 'utf8'));

    const yaml = await runInit({ template: 'sensor-pipeline', keepParams: true, yaml: true, cwd });
    expect(yaml.files[0]!.path).toBe(join(cwd, 'deployment.template.yaml'));
    expect(yaml.files[0]!.text).toContain("image: '${MODULES.filtermodule}'");
    expect(await errorsOf('deployment.template.yaml', yaml.files[0]!.text)).toEqual([]);
    writeFileSync(yaml.files[0]!.path, yaml.files[0]!.text);
    mkdirSync(join(cwd, 'modules', 'filtermodule'), { recursive: true });
    writeFileSync(join(cwd, 'modules', 'filtermodule', 'module.json'), JSON.stringify({ image: { repository: 'localhost:5000/filtermodule', tag: { version: '0.0.2', platforms: { amd64: './Dockerfile.amd64' } } } }));
    const fromYaml = await runGen(['deployment.template.yaml'], { cwd, environment: {}, output: '-' });
    expect(fromYaml.exitCode, fromYaml.stderr).toBe(0);
    expect(fromYaml.stdout).toContain('"image": "localhost:5000/filtermodule:0.0.2-amd64"');
  });

  it('lists the templates with their parameters', async () => {
    const result = await runInit({ list: true });
    for (const entry of TEMPLATES) expect(result.stdout).toContain(entry.name);
    expect(result.stdout).toContain('--set EDGEHUB_STORAGE_PATH=…');
    expect(result.files).toEqual([]);
  });

  it('refuses unknown templates and parameters, and does not overwrite without --force', async () => {
    await expect(runInit({ template: 'nope' })).rejects.toThrow(/no template named "nope"; use one of minimal, offline, gateway, sensor-pipeline/);
    await expect(runInit({ template: 'minimal', set: ['X=1'] })).rejects.toThrow(/template minimal has no parameters/);
    await expect(runInit({ template: 'offline', set: ['EDGEHUB_STORAGE_PATH'] })).rejects.toThrow(/write NAME=VALUE/);
    const cwd = folder();
    writeFileSync(join(cwd, 'deployment.json'), '{}');
    await expect(runInit({ cwd })).rejects.toThrow(InputError);
    expect((await runInit({ cwd, force: true })).files).toHaveLength(1);
  });

  it('writes the format the output name says, and refuses --yaml with a .json name', async () => {
    const cwd = folder();
    await expect(runInit({ yaml: true, output: 'x.json', cwd })).rejects.toThrow(InputError);
    await expect(runInit({ yaml: true, output: 'x.json', cwd })).rejects.toThrow('x.json: --yaml writes YAML but the extension says JSON; use -o x.yaml or drop --yaml');
    const byName = await runInit({ output: 'edge.yml', cwd });
    expect(byName.files[0]!.path).toBe(join(cwd, 'edge.yml'));
    expect(byName.files[0]!.text).toMatch(/^modulesContent:\n/);
    const both = await runInit({ yaml: true, output: 'edge.yaml', cwd });
    expect(both.files[0]!.text).toMatch(/^modulesContent:\n/);
  });

  it('refuses to write a manifest with errors', async () => {
    const result = await runInit({ template: 'offline', output: '-', set: ['EDGEHUB_STORAGE_PATH=relative/path'] });
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^edgewise init: refused to write stdout: the manifest from template offline has \d+ lint errors? \(positions are in the result, which was not written\):\ndeployment\.json:\d+:\d+ {2}error/);
  });
});
