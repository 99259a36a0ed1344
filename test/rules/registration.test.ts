// The rule catalogue and the rule files agree: every file in src/rules/ (other than rule.ts and
// index.ts) exports exactly one rule, named by the file, listed in RULES once and documented in
// docs/rules/; RULES holds nothing else. Adding a rule file without registering it, listing a
// rule twice, or a rule whose id and file name differ, fails here.
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/rules/index.js';
import type { Rule } from '../../src/rules/rule.js';

const RULES_DIR = join(import.meta.dirname, '..', '..', 'src', 'rules');
const DOCS_DIR = join(import.meta.dirname, '..', '..', 'docs', 'rules');
const NOT_RULES = new Set(['rule.ts', 'index.ts']);

const ruleFiles = readdirSync(RULES_DIR)
  .filter((name) => name.endsWith('.ts') && !NOT_RULES.has(name))
  .sort();

function isRule(value: unknown): value is Rule {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<Rule>;
  return typeof candidate.check === 'function' && typeof candidate.meta === 'object' && candidate.meta !== null && typeof candidate.meta.id === 'string';
}

/** The rules a rule file exports, by export name. */
async function exportedRules(file: string): Promise<Rule[]> {
  const module = (await import(pathToFileURL(join(RULES_DIR, file)).href)) as Record<string, unknown>;
  return Object.values(module).filter(isRule);
}

describe('rule registration', () => {
  it('finds the rule files', () => {
    expect(ruleFiles.length).toBeGreaterThan(0);
  });

  it.each(ruleFiles)('%s exports exactly one rule, named by the file, listed in RULES once, with a docs page', async (file) => {
    const rules = await exportedRules(file);
    expect(rules, 'rules exported').toHaveLength(1);
    const [rule] = rules as [Rule];
    expect(rule.meta.id).toBe(basename(file, '.ts'));
    expect(RULES.filter((listed) => listed === rule), 'times listed in RULES').toHaveLength(1);
    expect(existsSync(join(DOCS_DIR, `${rule.meta.id}.md`)), `docs/rules/${rule.meta.id}.md`).toBe(true);
  });

  it('RULES holds the rule files\' rules and nothing else, each id once', async () => {
    const fromFiles = new Set<Rule>();
    for (const file of ruleFiles) for (const rule of await exportedRules(file)) fromFiles.add(rule);
    expect(RULES.filter((rule) => !fromFiles.has(rule)).map((rule) => rule.meta.id), 'in RULES but not a rule file\'s').toEqual([]);
    expect(RULES).toHaveLength(ruleFiles.length);
    const ids = RULES.map((rule) => rule.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
