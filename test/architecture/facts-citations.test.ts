// Every "FACTS.md §N" (or "FACTS §N") the code and docs cite must resolve to a section of the
// project's own docs/FACTS.md, so a reader can check the fact and its source inside the repository.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const CITATION = /FACTS(?:\.md)? ?§ ?(\d+)/g;

function filesUnder(folder: string, extensions: RegExp): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && extensions.test(entry.name))
    .map((entry) => relative(ROOT, join(entry.parentPath, entry.name)));
}

function sectionsOf(facts: string): Set<string> {
  return new Set([...facts.matchAll(/^## (\d+)\. \S/gm)].map((match) => match[1]!));
}

function citationsIn(files: readonly string[]): { file: string; section: string }[] {
  return files.flatMap((file) => [...readFileSync(join(ROOT, file), 'utf8').matchAll(CITATION)].map((match) => ({ file, section: match[1]! })));
}

describe('docs/FACTS.md', () => {
  const facts = readFileSync(join(ROOT, 'docs', 'FACTS.md'), 'utf8');
  const sections = sectionsOf(facts);
  const citing = [...filesUnder('src', /\.ts$/), ...filesUnder('docs', /\.md$/), ...filesUnder('scripts', /\.mjs$/), 'README.md'];

  it('has a section for every citation in src/, scripts/, docs/ and the README', () => {
    const citations = citationsIn(citing);
    expect(citations.length).toBeGreaterThan(10);
    expect(citations.filter((citation) => !sections.has(citation.section))).toEqual([]);
  });

  it('names a source in every section', () => {
    const bodies = facts.split(/^## \d+\. /m).slice(1);
    expect(bodies.length).toBe(sections.size);
    const unsourced = bodies.filter((body) => !/(https?:\/\/|Azure\/|iotedge|`[\w./-]+\.(cs|md|py|js|ts)`|[Mm]easured)/.test(body));
    expect(unsourced.map((body) => body.split('\n')[0])).toEqual([]);
  });
});
