// The import graph of src/, read with TypeScript's own pre-processor (static, dynamic and
// type-only imports alike), folded to folders: src/<folder>/…, with src/runtime/<part>/ counted
// as its own folder, the public entry src/index.ts as "index" (it imports from every folder) and
// the other files directly in src/ (shared types and errors) as "src".
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative, sep } from 'node:path';
import ts from 'typescript';

export const SRC = join(import.meta.dirname, '..', '..', 'src');

export interface ImportEdge {
  from: string;
  to: string;
  /** The importing file and what it imports, relative to src/. */
  fromFile: string;
  toFile: string;
}

export function sourceFiles(): string[] {
  return readdirSync(SRC, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
    .map((entry) => relative(SRC, join(entry.parentPath, entry.name)).split(sep).join('/'));
}

export function folderOf(file: string): string {
  const parts = file.split('/');
  if (parts.length === 1) return file === 'index.ts' ? 'index' : 'src';
  if (parts[0] === 'runtime' && parts.length > 2) return `runtime/${parts[1]}`;
  return parts[0]!;
}

export function importEdges(): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const file of sourceFiles()) {
    const { importedFiles } = ts.preProcessFile(readFileSync(join(SRC, file), 'utf8'), true, true);
    for (const { fileName } of importedFiles) {
      if (!fileName.startsWith('.')) continue;
      const toFile = normalize(join(dirname(file), fileName)).split(sep).join('/').replace(/\.js$/, '.ts');
      edges.push({ from: folderOf(file), to: folderOf(toFile), fromFile: file, toFile });
    }
  }
  return edges;
}

/** Folder-level cycles (strongly connected components of more than one folder, or a folder importing itself through others). */
export function folderCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, Set<string>>();
  for (const edge of edges) {
    if (edge.from === edge.to) continue;
    if (!next.has(edge.from)) next.set(edge.from, new Set());
    next.get(edge.from)!.add(edge.to);
  }
  // Tarjan's algorithm; the graph has a few dozen nodes, so recursion depth is no concern.
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, index.size);
    low.set(node, index.get(node)!);
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node) ?? []) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) !== index.get(node)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== node);
    if (component.length > 1) components.push(component.sort());
  };
  for (const node of next.keys()) if (!index.has(node)) visit(node);
  return components;
}
