// Every rule has a docs page generated from its metadata, and the page is current.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import { renderRuleDoc } from '../../src/report/rule-doc-format.js';
// @ts-expect-error: a plain .mjs script without types
import { DOCS_DIR, exampleFor } from '../../scripts/generate-rule-docs.mjs';

it.each(RULES.map((rule) => [rule.meta.id, rule] as const))('docs/rules/%s.md is generated and current (run `npm run build && npm run docs`)', (id, rule) => {
  const page = join(DOCS_DIR as string, `${id}.md`);
  expect(existsSync(page)).toBe(true);
  expect(readFileSync(page, 'utf8')).toBe(renderRuleDoc(rule.meta, (exampleFor as (id: string) => string | undefined)(id)));
});

it('rule ids are unique', () => {
  const ids = RULES.map((rule) => rule.meta.id);
  expect(new Set(ids).size).toBe(ids.length);
});
