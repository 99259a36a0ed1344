// Fixture access for the diff, patch and merge tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyManifestPatch } from '../../src/diff/apply-manifest-patch.js';

export const DIFF_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'diff');
export const MERGE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'merge');
export const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'corpus');

export function fixturePath(...parts: string[]): string {
  return join(DIFF_FIXTURES, ...parts);
}

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** base.json with one of the patches in impact/ applied. */
export function baseWith(patchName: string): unknown {
  return applyManifestPatch(readJson(fixturePath('base.json')), readJson(fixturePath('impact', `${patchName}.patch.json`)), patchName);
}
