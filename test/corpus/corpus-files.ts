// The real public manifests copied from ../shared/corpus/manifests (see fixtures/corpus/SOURCES.md).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const CORPUS_DIR = join(import.meta.dirname, '..', 'fixtures', 'corpus');

export function corpusFiles(): string[] {
  return readdirSync(CORPUS_DIR).filter((name) => /\.(json|ya?ml)$/.test(name)).sort();
}

export function readCorpus(name: string): { file: string; text: string } {
  const file = join(CORPUS_DIR, name);
  return { file, text: readFileSync(file, 'utf8') };
}

/** Public manifests from other repositories (fixtures/corpus/wild/SOURCES.md), as `wild/<name>`. */
export function wildCorpusFiles(): string[] {
  return readdirSync(join(CORPUS_DIR, 'wild')).filter((name) => /\.(json|ya?ml)$/.test(name)).sort().map((name) => `wild/${name}`);
}
