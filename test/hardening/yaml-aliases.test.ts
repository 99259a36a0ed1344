// Issue 9, item 3: a YAML alias inside the node it names (`a: &a {b: *a}`) makes a value that
// contains itself; lint died with "Converting circular structure to JSON" and diff with a stack
// overflow. The loader refuses it with a parse finding, as it refuses aliases that nest anchored
// values past the depth limit. The cases are planted in a real public manifest (loader-cli.ts).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSource } from '../../src/manifest/parse-source.js';
import { placeFindings } from '../../src/manifest/place-findings.js';
import { baseManifest, BASE_MANIFEST, edgewise, expectInputRefused, ROOT, scratchFolder } from './loader-cli.js';

const CONTAINS_ITSELF = /alias \*\w+ sits inside the node anchored &\w+, so the value would contain itself/;
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');

async function refusal(text: string) {
  const parsed = await parseSource({ file: 'loop.yaml', text });
  return parsed.ok ? undefined : (await placeFindings('loop.yaml', text, [parsed.finding]))[0];
}

describe('the loader refuses an alias inside the node it names', () => {
  it.each([
    ['a flow mapping', 'a: &a {b: *a}\n', 1, 11],
    ['a flow sequence', 'a: &a [1, *a]\n', 1, 11],
    ['a block mapping, further down', 'modulesContent: &m\n  $edgeAgent:\n    again: *m\n', 3, 12],
    ['a key', 'a: &a {? *a : 1}\n', 1, 10],
  ])('in %s, at the alias', async (_where, text, line, column) => {
    const found = await refusal(text);
    expect(found).toMatchObject({ ruleId: 'parse', severity: 'error', line, column });
    expect(found!.message).toMatch(CONTAINS_ITSELF);
    expect(found!.message).not.toMatch(/^invalid YAML/); // well-formed YAML, refused
  });

  it('accepts anchors used after the node they name, as real manifests do', async () => {
    const parsed = await parseSource({ file: 'anchors.yaml', text: 'env: &env {LOG: {value: debug}}\na: {env: *env}\nb: [&x 1, *x]\n' });
    expect(parsed.ok && parsed.source.value).toEqual({ env: { LOG: { value: 'debug' } }, a: { env: { LOG: { value: 'debug' } } }, b: [1, 1] });
  });

  it('refuses aliases that nest anchored values past the depth limit, though the text stays within it', async () => {
    const levels = (inner: string) => `${'['.repeat(90)}${inner}${']'.repeat(90)}`;
    const found = await refusal(`a: &a ${levels('1')}\nb: &b ${levels('*a')}\n`);
    expect(found).toMatchObject({ ruleId: 'parse', line: 2 });
    expect(found!.message).toMatch(/aliases nest anchored values inside one another so deeply/);
  });
});

describe('every command refuses a manifest holding a self-referencing alias', () => {
  let file: string;
  let folder: string;
  beforeAll(() => {
    folder = scratchFolder('alias-loop');
    file = join(folder, 'deployment.yaml');
    writeFileSync(file, stringify(baseManifest()).replace('prop0: val0', 'prop0: &loop {again: *loop}'));
  });

  it.each([
    // The stylish format wraps messages, so the one-line formats are asked for here.
    ['validate -f json', () => ['validate', file, '-f', 'json'], [1]],
    ['lint -f github', () => ['lint', file, '-f', 'github'], [1]],
    ['lint -f json', () => ['lint', file, '-f', 'json'], [1]],
    ['lint -f sarif', () => ['lint', file, '-f', 'sarif'], [1]],
    ['convert', () => ['convert', file], [1]],
    ['diff (as A)', () => ['diff', file, BASE_MANIFEST], [2]],
    ['diff (as B)', () => ['diff', BASE_MANIFEST, file], [2]],
    ['merge', () => ['merge', file, LAYERED, '--priority', '10'], [2]],
    ['offline enable', () => ['offline', 'enable', file], [1]],
    ['offline plan', () => ['offline', 'plan', file, '--rate', '1', '--size', '1KB'], [1]],
    ['gen', () => ['gen', file, '-o', join(folder, 'out.json')], [1]],
  ] as [string, () => string[], number[]][])('%s', (_name, args, codes) => {
    expectInputRefused(edgewise(args()), CONTAINS_ITSELF, codes);
  });

  it('patch refuses it as the manifest and as the patch', () => {
    const patch = join(folder, 'patch.yaml');
    writeFileSync(patch, '- &op {op: add, path: /content/metrics, value: *op}\n');
    expectInputRefused(edgewise(['patch', file, join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json')]), CONTAINS_ITSELF, [2]);
    expectInputRefused(edgewise(['patch', BASE_MANIFEST, patch]), CONTAINS_ITSELF, [2]);
  });
});
