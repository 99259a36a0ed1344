// Round trip over the real corpus: for every ordered pair of corpus manifests that share a module
// (system modules included), applying `diff A B --format patch` to A's file gives a document
// whose meaning is B's, and the patch keeps A's layout (no fallback).
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { applyManifestPatch } from '../../src/diff/apply-manifest-patch.js';
import { readMeaning, type ManifestMeaning } from '../../src/diff/comparable-manifest.js';
import { rawPatch } from '../../src/diff/raw-patch.js';
import { runDiff } from '../../src/cli/commands/diff.js';
import { runPatch } from '../../src/cli/commands/patch.js';
import { corpusFiles, readCorpus } from '../corpus/corpus-files.js';
import { fixturePath } from './diff-fixtures.js';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Loaded {
  file: string;
  value: unknown;
  meaning: ManifestMeaning;
}

async function loadCorpus(): Promise<Loaded[]> {
  const loaded: Loaded[] = [];
  for (const name of corpusFiles()) {
    let value: unknown;
    try {
      value = JSON.parse(readCorpus(name).text);
    } catch {
      continue; // the two corpus templates that are not JSON until their placeholders are filled
    }
    loaded.push({ file: name, value, meaning: await readMeaning(name, value) });
  }
  return loaded;
}

function pairsSharingAModule(loaded: Loaded[]): [Loaded, Loaded][] {
  const pairs: [Loaded, Loaded][] = [];
  for (const a of loaded) {
    for (const b of loaded) {
      if (a !== b && Object.keys(a.meaning.model.modules).some((name) => name in b.meaning.model.modules)) pairs.push([a, b]);
    }
  }
  return pairs;
}

describe('patch(A, diff(A, B) as patch) means B', () => {
  it('holds for every ordered pair of corpus manifests that share a module', async () => {
    const loaded = await loadCorpus();
    const pairs = pairsSharingAModule(loaded);
    expect(loaded.length).toBeGreaterThan(50);
    expect(pairs.length).toBeGreaterThan(2000);
    const failures: string[] = [];
    for (const [a, b] of pairs) {
      const patch = await rawPatch(a, b, a.meaning, b.meaning);
      // Through JSON, as the patch travels between the commands.
      const patched = applyManifestPatch(a.value, JSON.parse(JSON.stringify(patch.operations)), 'patch.json');
      const result = await readMeaning('patched', patched);
      if (!isDeepStrictEqual(result.model, b.meaning.model)) failures.push(`${a.file} → ${b.file}: meaning differs`);
      if (patch.fallback !== 'none') failures.push(`${a.file} → ${b.file}: layout not kept (${patch.fallback})`);
      if ((patch.operations.length === 0) !== isDeepStrictEqual(a.meaning.model, b.meaning.model)) failures.push(`${a.file} → ${b.file}: empty patch ≠ no difference`);
    }
    expect(failures).toEqual([]);
  });

  it('can fail: the same patch without its last operation does not give B', async () => {
    const loaded = await loadCorpus();
    let checked = 0;
    for (const [a, b] of pairsSharingAModule(loaded).slice(0, 200)) {
      const patch = await rawPatch(a, b, a.meaning, b.meaning);
      if (patch.operations.length === 0) continue;
      const patched = applyManifestPatch(a.value, patch.operations.slice(0, -1), 'patch.json');
      expect(isDeepStrictEqual((await readMeaning('patched', patched)).model, b.meaning.model)).toBe(false);
      checked++;
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('holds through the commands: diff --format patch, then patch', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-round-trip-'));
    const patchFile = join(folder, 'change.patch.json');
    const diff = await runDiff(fixturePath('base.json'), fixturePath('changed.json'), { format: 'patch', showSecrets: true });
    expect(diff.stderr).toBe('');
    writeFileSync(patchFile, diff.stdout);
    const patched = await runPatch(fixturePath('base.json'), patchFile, { output: join(folder, 'out.json') });
    expect(patched.exitCode).toBe(0);
    writeFileSync(join(folder, 'out.json'), patched.files[0]!.text);
    const again = await runDiff(join(folder, 'out.json'), fixturePath('changed.json'), { exitCode: true });
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toContain('No differences in meaning');
  });
});
