// `edgewise rules`: the catalogue as a table (or JSON), from each rule's metadata.
import type { Rule } from '../rules/rule.js';

export function formatRuleList(rules: readonly Rule[], format: 'text' | 'json'): string {
  if (format === 'json') {
    return JSON.stringify(rules.map(({ meta }) => ({ id: meta.id, defaultSeverity: meta.defaultSeverity, fixable: meta.fixable, description: meta.description, docs: `docs/rules/${meta.id}.md` })), null, 2) + '\n';
  }
  const width = Math.max(...rules.map((rule) => rule.meta.id.length));
  return rules.map(({ meta }) => `${meta.id.padEnd(width)}  ${meta.defaultSeverity.padEnd(7)}  ${meta.fixable ? 'fix' : '   '}  ${meta.description}`).join('\n') + '\n';
}
