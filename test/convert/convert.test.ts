// `edgewise convert`: JSON <-> YAML without loss. chunked.json holds a module whose createOptions
// are split into two 512-character chunks (as iotedgedev writes them) and twin values whose
// number literals JavaScript would rewrite (25.0, a 20-digit integer, 1e-7).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { CORPUS_DIR } from '../corpus/corpus-files.js';
import { jsonToYaml } from '../../src/manifest/json-to-yaml.js';
import { runConvert } from '../../src/cli/commands/convert.js';
import { yamlToJson } from '../../src/manifest/yaml-to-json.js';
import { checkOutput } from '../../src/lint/write-gate.js';
import { InputError } from '../../src/errors.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'convert');
const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI (dist/, built by `npm test` first), as a user runs it. */
function edgewise(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}
const read = (name: string) => readFileSync(join(FIXTURES, name), 'utf8');
const settingsOf = (manifest: any, module: string) => manifest.modulesContent.$edgeAgent['properties.desired'].modules[module].settings;

async function convert(path: string, options: Parameters<typeof runConvert>[1]) {
  return runConvert(path, { cwd: FIXTURES, ...options });
}

describe('edgewise convert', () => {
  it('round-trips JSON -> YAML -> JSON byte for byte, chunked createOptions and number literals included', async () => {
    const original = read('chunked.json');
    const toYaml = await convert('chunked.json', { to: 'yaml' });
    expect(toYaml.exitCode).toBe(0);
    expect(toYaml.stdout).toContain("createOptions01: ' this label only makes");
    expect(toYaml.stdout).toContain('threshold: 25.0');
    expect(toYaml.stdout).toContain('sequence: 12345678901234567890');
    const back = await runConvert('-', { to: 'json', readStdin: () => toYaml.stdout });
    expect(back.exitCode).toBe(0);
    expect(back.stdout).toBe(original);
    // and YAML -> JSON -> YAML is stable too
    const again = await runConvert('-', { to: 'yaml', readStdin: () => back.stdout });
    expect(again.stdout).toBe(toYaml.stdout);
  });

  it('keeps every createOptions chunk of every corpus file byte for byte, and every value', () => {
    let files = 0;
    for (const name of readdirSync(CORPUS_DIR).filter((file) => file.endsWith('.json'))) {
      const text = readFileSync(join(CORPUS_DIR, name), 'utf8').replace(/^\uFEFF/, '');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue; // the non-JSON template (unquoted ${TTL})
      }
      files++;
      const yaml = jsonToYaml(text, value).text;
      expect(parseYaml(yaml, { schema: 'core' }), name).toEqual(value);
      const json = yamlToJson(yaml, value, { chunkCreateOptions: false });
      expect(json.ok && JSON.parse(json.text), name).toEqual(value);
      // Byte for byte whenever the file is laid out as JSON.stringify(value, null, 2) lays it out.
      expect(json.ok && json.text, name).toBe(`${JSON.stringify(value, null, 2)}\n`);
    }
    expect(files).toBe(55);
  });

  it('writes a YAML createOptions mapping as chunks in JSON, and says the comments are left out', async () => {
    const result = await convert('commented.yaml', { to: 'json', output: 'commented.json' });
    expect(result.exitCode).toBe(0);
    const [file] = result.files;
    expect(file!.path).toBe(join(FIXTURES, 'commented.json'));
    const hub = JSON.parse(file!.text).modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub;
    expect(hub.settings.createOptions).toBe('{"HostConfig":{"PortBindings":{"8883/tcp":[{"HostPort":"8883"}],"443/tcp":[{"HostPort":"443"}]}}}');
    expect(result.stderr).toContain('createOptions of edgeHub serialised as compact JSON in 512-character chunks');
    expect(result.stderr).toContain('3 comment lines of commented.yaml cannot be carried into JSON');
    expect((await checkOutput('commented.json', file!.text)).ok).toBe(true);
  });

  it('keeps createOptions objects when the YAML is a template, unless told otherwise', async () => {
    const template = await convert('commented.template.yaml', { to: 'json' });
    expect(template.exitCode).toBe(0);
    const settings = JSON.parse(template.stdout).modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.settings;
    expect(settings.createOptions).toEqual({ HostConfig: { PortBindings: { '8883/tcp': [{ HostPort: '8883' }], '443/tcp': [{ HostPort: '443' }] } } });
    const forced = await convert('commented.template.yaml', { to: 'json', createOptions: 'string' });
    expect(typeof JSON.parse(forced.stdout).modulesContent.$edgeAgent['properties.desired'].systemModules.edgeHub.settings.createOptions).toBe('string');
  });

  it('writes createOptions as YAML mappings on request, only where they convert back identically', async () => {
    // YAML is an authoring form, so a createOptions mapping lints clean there, template or not.
    const asManifest = await convert('chunked.json', { to: 'yaml', createOptions: 'mapping' });
    expect(asManifest.exitCode).toBe(0);
    const result = await convert('chunked.json', { to: 'yaml', createOptions: 'mapping', output: 'chunked.template.yaml' });
    expect(result.exitCode).toBe(0);
    const yaml = result.files[0]!.text;
    expect(yaml).toContain('            createOptions:\n              Env:\n                - LOG_LEVEL=info\n');
    expect(result.stderr).toContain('createOptions written as YAML mappings for edgeAgent, edgeHub, opcpublisher');
    const back = await runConvert('-', { to: 'json', createOptions: 'string', readStdin: () => yaml });
    expect(back.stdout).toBe(read('chunked.json'));
    expect(settingsOf(JSON.parse(back.stdout), 'opcpublisher').createOptions01).toBe(settingsOf(JSON.parse(read('chunked.json')), 'opcpublisher').createOptions01);
  });

  it('every output lints without errors', async () => {
    for (const [file, to] of [['chunked.json', 'yaml'], ['commented.yaml', 'json'], ['commented.template.yaml', 'json']] as const) {
      const result = await convert(file, { to });
      const name = to === 'yaml' ? 'out.yaml' : file.includes('template') ? 'out.template.json' : 'out.json';
      expect((await checkOutput(name, result.stdout)).findings.filter((finding) => finding.severity === 'error'), file).toEqual([]);
    }
  });

  it('refuses what it cannot convert', async () => {
    await expect(convert('chunked.json', { to: 'json' })).rejects.toThrow(InputError);
    await expect(convert('chunked.json', { output: 'again.json' })).rejects.toThrow(/chunked\.json is already JSON; nothing to convert/);
    await expect(convert('missing.json', { to: 'yaml' })).rejects.toThrow(/no such file/);
    await expect(convert('.', { to: 'yaml' })).rejects.toThrow(/is a folder; name one manifest file/);
    await expect(convert('chunked.json', { output: 'out.txt' })).rejects.toThrow(/--output out\.txt: name it \*\.json or \*\.yaml/);
    const broken = await runConvert('-', { to: 'json', readStdin: () => 'modulesContent:\n  a: [1, 2\n' });
    expect(broken.exitCode).toBe(1);
    expect(broken.stderr).toMatch(/^edgewise: <stdin>:\d+:\d+ {2}invalid YAML/);
  });

  it('converts a manifest with lint errors anyway, and warns on stderr', async () => {
    // convert changes only the format: a restartPolicy typo is as wrong in YAML as in JSON.
    const broken = read('chunked.json').replace('"restartPolicy": "always"', '"restartPolicy": "sometimes"');
    const result = await runConvert('-', { to: 'yaml', readStdin: () => broken });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('restartPolicy: sometimes');
    expect(result.stderr).toBe('edgewise: warning: <stdin> has 1 lint error; converted anyway (convert changes only the format)\n');
    const back = await runConvert('-', { readStdin: () => result.stdout });
    expect(back.stdout).toBe(broken);
  });

  it('infers --to from the output extension, else from the input', async () => {
    const byExtension = await convert('chunked.json', { output: 'chunked.yml' });
    expect(byExtension.files[0]!.text).toMatch(/^modulesContent:\n/);
    const byInput = await convert('commented.yaml', {});
    expect(JSON.parse(byInput.stdout).modulesContent).toBeDefined();
    const fromStdin = await runConvert('-', { readStdin: () => read('chunked.json') });
    expect(fromStdin.stdout).toBe((await convert('chunked.json', { to: 'yaml' })).stdout);
  });

  it('refuses a --to that the output extension contradicts', async () => {
    await expect(convert('chunked.json', { to: 'yaml', output: 'out.json' })).rejects.toThrow('--output out.json says JSON but --to is yaml; use -o out.yaml, or drop --to');
    await expect(convert('commented.yaml', { to: 'json', output: 'out.yml' })).rejects.toThrow(InputError);
  });

  it('needs no --to on the command line, and a contradicting one exits 2', () => {
    const out = mkdtempSync(join(tmpdir(), 'edgewise-convert-'));
    const run = edgewise(['convert', join(FIXTURES, 'chunked.json'), '-o', join(out, 'chunked.yaml')], ROOT);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(out, 'chunked.yaml'), 'utf8')).toMatch(/^modulesContent:\n/);
    const contradiction = edgewise(['convert', join(FIXTURES, 'chunked.json'), '--to', 'yaml', '-o', join(out, 'x.json')], ROOT);
    expect(contradiction.code).toBe(2);
    expect(contradiction.stderr).toContain('says JSON but --to is yaml');
  });
});
