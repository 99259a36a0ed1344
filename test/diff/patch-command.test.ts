// `edgewise patch`: applies an RFC 6902 patch, lints the result, refuses on lint errors.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runPatch } from '../../src/cli/commands/patch.js';
import { InputError } from '../../src/errors.js';
import { fixturePath, readJson } from './diff-fixtures.js';

const BASE = fixturePath('base.json');
const ROOT = join(import.meta.dirname, '..', '..');

/** The built CLI (dist/, built by `npm test` first), as a user runs it. */
function edgewise(args: string[], cwd: string) {
  const run = spawnSync(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

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
    // modeOf: a new output is never more open than the manifest it came from (write-file-atomic.ts).
    expect(result.files).toEqual([{ path: 'out.json', text: expect.stringContaining('"stopped"'), modeOf: BASE }]);
  });

  it('refuses a result with lint errors, and says why', async () => {
    const result = await runPatch(BASE, fixturePath('breaks-restart-policy.patch.json'), { output: 'out.json' });
    expect(result.exitCode).toBe(1);
    expect(result.files).toEqual([]);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('edgewise patch: refused to write out.json: the result has 1 lint error');
    expect(result.stderr).toMatch(/error .*restartPolicy[\s\S]*on-failured/);
  });

  it('a patch that does not apply is a usage error naming the operation', async () => {
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(InputError);
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(/operation 2 \(replace \/modulesContent\/\$edgeAgent\/properties.desired\/modules\/nosuchmodule\/status\) does not apply/);
    await expect(runPatch(BASE, fixturePath('not-an-array.patch.json'))).rejects.toThrow(/not a JSON Patch/);
  });

  it('never echoes the document in its errors (it may hold secrets)', async () => {
    await expect(runPatch(BASE, fixturePath('missing-path.patch.json'))).rejects.toThrow(expect.objectContaining({ message: expect.not.stringContaining('Qm9ndXNQYXNzd29yZA-fixture') }));
  });

  describe('a patch holding masked secrets', () => {
    const A = fixturePath('secrets-a.json');
    const B = fixturePath('secrets-b.json');
    /** The patch `edgewise diff A B -f patch` prints, in a file. */
    async function diffPatch(showSecrets: boolean): Promise<string> {
      const diff = await runDiff(A, B, { format: 'patch', showSecrets });
      const file = join(mkdtempSync(join(tmpdir(), 'edgewise-patch-')), 'change.patch.json');
      writeFileSync(file, diff.stdout);
      return file;
    }

    it('is refused when made without --show-secrets, naming the operation and what to do', async () => {
      const patch = await diffPatch(false);
      const run = runPatch(A, patch, { output: 'out.json' });
      await expect(run).rejects.toThrow(InputError);
      // The first masked value in the patch: the twin property apiKey (operation 1).
      await expect(run).rejects.toThrow(
        `${patch}: operation 1 (replace /modulesContent/db/properties.desired/apiKey) writes a masked secret (and 6 more values); "****" is how edgewise masks secrets, and writing it would replace the real secret with asterisks. Make the patch with \`edgewise diff -f patch --show-secrets\``,
      );
    });

    it('exits 2 from the command line, and writes nothing', async () => {
      const patch = await diffPatch(false);
      const out = join(mkdtempSync(join(tmpdir(), 'edgewise-patch-')), 'out.json');
      const run = edgewise(['patch', A, patch, '-o', out], ROOT);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^edgewise: .*change\.patch\.json: operation 1 \(replace .*\) writes a masked secret/);
      expect(existsSync(out)).toBe(false);
    });

    it('names the value inside an added object', async () => {
      const patch = join(mkdtempSync(join(tmpdir(), 'edgewise-patch-')), 'add-module.patch.json');
      const uploader = { version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'contoso.azurecr.io/uploader:1.0.0', createOptions: '{}' }, env: { STORAGE_SAS: { value: '****' } } };
      writeFileSync(patch, JSON.stringify([{ op: 'add', path: '/modulesContent/$edgeAgent/properties.desired/modules/uploader', value: uploader }]));
      await expect(runPatch(A, patch)).rejects.toThrow(`operation 1 (add /modulesContent/$edgeAgent/properties.desired/modules/uploader) writes a masked secret at /modulesContent/$edgeAgent/properties.desired/modules/uploader/env/STORAGE_SAS/value;`);
    });

    it('applies when made with --show-secrets', async () => {
      const result = await runPatch(A, await diffPatch(true), { flavour: 'manifest' });
      expect(result.stdout).not.toContain('****');
      expect(result.stdout).toContain('Pa55w0rd-Bravo-9913');
    });

    it('leaves a "****" the manifest already holds alone', async () => {
      const folder = mkdtempSync(join(tmpdir(), 'edgewise-patch-'));
      const manifest = JSON.parse(readFileSync(A, 'utf8'));
      manifest.modulesContent.db['properties.desired'].apiKey = '****';
      writeFileSync(join(folder, 'deployment.json'), JSON.stringify(manifest, null, 2));
      writeFileSync(join(folder, 'same.patch.json'), JSON.stringify([{ op: 'replace', path: '/modulesContent/db/properties.desired/apiKey', value: '****' }]));
      const result = await runPatch(join(folder, 'deployment.json'), join(folder, 'same.patch.json'));
      expect(JSON.parse(result.stdout).modulesContent.db['properties.desired'].apiKey).toBe('****');
    });
  });
});
