// Writes docs/rules/<id>.md for every rule (from the built dist/), and exports the renderer
// for the staleness test. Run with `npm run docs` after `npm run build`.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DOCS_DIR = join(root, 'docs', 'rules');

export function exampleFor(id) {
  const file = join(DOCS_DIR, `${id}.example.md`);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { RULES } = await import(join(root, 'dist', 'rules', 'index.js'));
  const { renderRuleDoc } = await import(join(root, 'dist', 'report', 'rule-doc-format.js'));
  mkdirSync(DOCS_DIR, { recursive: true });
  for (const rule of RULES) writeFileSync(join(DOCS_DIR, `${rule.meta.id}.md`), renderRuleDoc(rule.meta, exampleFor(rule.meta.id)));
  console.log(`wrote ${RULES.length} rule pages to docs/rules/`);
}
