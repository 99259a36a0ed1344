// Issue 9, item 3: convert of an empty or comment-only YAML file died with "Cannot read
// properties of null". The loader refuses a file with no document, in every command, with one
// parse finding; diff alone still reads an empty file as an empty manifest, because git passes
// /dev/null (or an empty file) for the side of an added or deleted manifest.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseSource } from '../../src/manifest/parse-source.js';
import { BASE_MANIFEST, edgewise, expectInputRefused, ROOT, scratchFolder } from './loader-cli.js';

const NO_DOCUMENT = /the file is empty|holds no YAML document/;
const LAYERED = join(ROOT, 'test', 'fixtures', 'corpus', 'Azure__azure-iot-cli-extension__azext_iot__tests__iothub__configurations__test_edge_deployment_layered.json');

const EMPTY_FILES: [string, string][] = [
  ['empty.yaml', ''],
  ['blank.yaml', '\n   \n'],
  ['comments.yaml', '# deployment for the line-3 gateway\n# (filled in by the pipeline)\n'],
  ['marker-only.yaml', '---\n'],
  ['bom-only.json', '\uFEFF'],
  ['empty.json', ''],
];

describe('the loader refuses a file with no document', () => {
  it.each(EMPTY_FILES)('%s', async (file, text) => {
    const parsed = await parseSource({ file, text });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.finding).toMatchObject({ ruleId: 'parse', severity: 'error', offset: 0 });
      expect(parsed.finding.message).toMatch(NO_DOCUMENT);
    }
  });

  it('still reads a document holding only null as a value, for the shape check to judge', async () => {
    const parsed = await parseSource({ file: 'null.yaml', text: '# nothing yet\n~\n' });
    expect(parsed.ok && parsed.source.value).toBeNull();
  });
});

describe('every command on a comment-only YAML file', () => {
  let folder: string;
  let file: string;
  beforeAll(() => {
    folder = scratchFolder('empty');
    for (const [name, text] of EMPTY_FILES) writeFileSync(join(folder, name), text);
    file = join(folder, 'comments.yaml');
  });

  it.each(EMPTY_FILES.map(([name]) => name))('convert %s refuses it (it used to crash)', (name) => {
    expectInputRefused(edgewise(['convert', join(folder, name)]), NO_DOCUMENT, [1]);
  });

  it.each([
    ['validate', () => ['validate', file, '-f', 'json'], [1]],
    ['lint', () => ['lint', file, '-f', 'json'], [1]],
    ['merge', () => ['merge', file, LAYERED, '--priority', '10'], [2]],
    ['patch', () => ['patch', file, join(ROOT, 'test', 'fixtures', 'hardening', 'loader', 'empty-patch.json')], [2]],
    ['offline enable', () => ['offline', 'enable', file], [1]],
    ['offline plan', () => ['offline', 'plan', file, '--rate', '1', '--size', '1KB'], [1]],
    ['gen', () => ['gen', file, '-o', join(folder, 'out.json')], [1]],
  ] as [string, () => string[], number[]][])('%s refuses it', (_name, args, codes) => {
    expectInputRefused(edgewise(args()), NO_DOCUMENT, codes);
  });

  it('diff reads an empty file as an empty manifest (git passes one for an added manifest)', () => {
    const run = edgewise(['diff', join(folder, 'empty.yaml'), BASE_MANIFEST, '--format', 'json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).changes.length).toBeGreaterThan(0);
  });
});
