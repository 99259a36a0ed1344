// docs/architecture.md lists, per folder, which folders it may import; this test reads those
// tables and fails on any import between folders of src/ that they do not allow, so the page
// stays true as the code changes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { importEdges } from './import-graph.js';

const ARCHITECTURE = join(import.meta.dirname, '..', '..', 'docs', 'architecture.md');

/** Folder name as the import graph spells it: `lint/` → lint, `src` (files in `src/`) → src, `index` (`src/index.ts`) → index. */
function folderName(cell: string): string {
  return /`([^`]+)`/.exec(cell)![1]!.replace(/\/$/, '');
}

/** The "may import" column of every folder row; `everything except x` allows all but x. */
function allowedImports(markdown: string): Map<string, (target: string) => boolean> {
  const allowed = new Map<string, (target: string) => boolean>();
  for (const line of markdown.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length !== 3 || !cells[0]!.startsWith('`')) continue;
    const imports = cells[2]!;
    const except = /^everything except (.+)$/.exec(imports);
    const named = new Set([...(except ? except[1]! : imports).matchAll(/`([^`]+)`/g)].map((match) => match[1]!.replace(/\/$/, '')));
    allowed.set(folderName(cells[0]!), except ? (target) => !named.has(target) : (target) => named.has(target));
  }
  return allowed;
}

describe('docs/architecture.md', () => {
  const allowed = allowedImports(readFileSync(ARCHITECTURE, 'utf8'));
  const edges = importEdges().filter((edge) => edge.from !== edge.to);

  it('has a row for every folder of src/', () => {
    const folders = new Set(edges.flatMap((edge) => [edge.from, edge.to]));
    expect([...folders].filter((folder) => !allowed.has(folder))).toEqual([]);
  });

  it('allows every import between folders that the code makes', () => {
    const forbidden = edges.filter((edge) => !allowed.get(edge.from)?.(edge.to));
    expect(forbidden.map((edge) => `${edge.from} → ${edge.to} (${edge.fromFile} imports ${edge.toFile})`)).toEqual([]);
  });

  it('reads the tables as written (a row and the "everything except" form)', () => {
    const table = '| folder | owns | may import |\n|---|---|---|\n| `lint/` | x | `src`, `manifest` |\n| `cli/` | y | everything except `index` |\n';
    const read = allowedImports(table);
    expect([read.get('lint')!('manifest'), read.get('lint')!('rules'), read.get('cli')!('lint'), read.get('cli')!('index')]).toEqual([true, false, true, false]);
  });
});
