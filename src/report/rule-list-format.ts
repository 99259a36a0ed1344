// `edgewise rules`: the catalogue as a table, or JSON, from each rule's metadata.
import type { RuleMeta } from '../rules/rule.js';
import type { Formatter } from './formatter.js';

export const ruleListTextFormatter: Formatter<readonly RuleMeta[]> = {
  name: 'text',
  render: (rules) => {
    const width = Math.max(...rules.map((meta) => meta.id.length));
    return rules.map((meta) => `${meta.id.padEnd(width)}  ${meta.defaultSeverity.padEnd(7)}  ${meta.fixable ? 'fix' : '   '}  ${meta.description}`).join('\n') + '\n';
  },
};

export const ruleListJsonFormatter: Formatter<readonly RuleMeta[]> = {
  name: 'json',
  render: (rules) => JSON.stringify(rules.map((meta) => ({ id: meta.id, defaultSeverity: meta.defaultSeverity, fixable: meta.fixable, description: meta.description, docs: `docs/rules/${meta.id}.md` })), null, 2) + '\n',
};
