// `edgewise patch`: applies an RFC 6902 patch, lints the result, refuses on lint errors.
import { describe, expect, it } from 'vitest';
import { runPatch } from '../../src/diff/run-patch.js';
import { InputError } from '../../src/manifest/read-inputs.js';
import { fixturePath, readJson } from './diff-fixtures.js';

const BASE = fixturePath('base.json');

describe('edgewise patch', () => {
  it('writes the patched manifest, in the indentation of the input', async () => {
    const result = await runPatch(BASE, fixturePath('impact', 'recreate-image.patch.json'));
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('\n  "modulesContent": {');
    expect(JSON.parse(result.stdout)).toEqual(readJson(fixturePath('base.json.recreate-image.expected.json')));
    expect(result.stderr).toContain('lint warning'); // the fixture's literal registry password
  });

  it('writes YAML for a YAML manifest', async () => {
    const { stringify } = await import('yaml');
    const yamlText = stringify(readJson(BASE));
    const result = await runPatch('-', fixturePath('impact', 'stop-start.patch.json'), { readStdin: () => yamlText });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^modulesContent:\n/);
    expect(result.stdout).toContain('status: stopped');
  });

  it('writes to --output instead of stdout', async () => {
    const result = await runPatch(BASE, fixturePath('impact', 'stop-start.patch.json'), { output: 'out.json' });
    expect(result.stdout).toBe('');
    expect(result.files).toEqual([{ path: 'out.json', text: expect.stringContaining('"stopped"') }]);
  });

  it('refuses a result with lint errors, and says why', async () => {
    const result = await runPatch(BASE, fixturePath('breaks-restart-policy.patch.json'), { output: 'out.json' });
    expect(result.exitCode).toBe(1);
    expect(result.files).toEqual([]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('edgewise patch: refused to write out.json: the result has 1 lint error');
    expect(result.stderr).toMatch(/error .*restartPolicy.*on-failured/);
  });

  it('a patch that does not apply is a usage error naming the operation', async () => {
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(InputError);
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(/operation 2 \(replace \/modulesContent\/\$edgeAgent\/properties.desired\/modules\/nosuchmodule\/status\) does not apply/);
    await expect(runPatch(BASE, fixturePath('not-an-array.patch.json'))).rejects.toThrow(/not a JSON Patch/);
  });

  it('never echoes the document in its errors (it may hold secrets)', async () => {
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('Qm9ndXNQYXNzd29yZA-fixture') }));
  });
});
