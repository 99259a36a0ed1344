// Data flows one way through src/: no two folders may import each other, even through others,
// and nothing outside src/cli/ may import it (the CLI is the outermost layer; the library and the
// runtime must work without it).
import { describe, expect, it } from 'vitest';
import { folderCycles, importEdges, type ImportEdge } from './import-graph.js';

function describeCycle(cycle: readonly string[], edges: readonly ImportEdge[]): string {
  const inside = edges.filter((edge) => edge.from !== edge.to && cycle.includes(edge.from) && cycle.includes(edge.to));
  return `${cycle.join(' ↔ ')}: ${inside.map((edge) => `${edge.fromFile} → ${edge.toFile}`).join('; ')}`;
}

describe('the folders of src/', () => {
  const edges = importEdges();

  it('reads the import graph (a sanity check that the reader sees imports at all)', () => {
    expect(edges.filter((edge) => edge.from === 'lint' && edge.to === 'manifest').length).toBeGreaterThan(0);
    expect(edges.some((edge) => edge.fromFile.startsWith('cli/') && edge.to === 'lint')).toBe(true);
  });

  it('import each other in one direction only', () => {
    expect(folderCycles(edges).map((cycle) => describeCycle(cycle, edges))).toEqual([]);
  });

  it('never import src/cli/ from outside it', () => {
    expect(edges.filter((edge) => edge.to === 'cli' && edge.from !== 'cli').map((edge) => `${edge.fromFile} → ${edge.toFile}`)).toEqual([]);
  });
});

describe('folderCycles', () => {
  const edge = (from: string, to: string): ImportEdge => ({ from, to, fromFile: `${from}/a.ts`, toFile: `${to}/b.ts` });

  it('finds a cycle through a third folder and ignores imports inside one folder', () => {
    expect(folderCycles([edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('d', 'd'), edge('d', 'a')])).toEqual([['a', 'b', 'c']]);
    expect(folderCycles([edge('a', 'b'), edge('b', 'c'), edge('a', 'c')])).toEqual([]);
  });
});
