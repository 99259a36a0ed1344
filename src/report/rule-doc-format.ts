// Renders a rule's docs page from its metadata plus a hand-written example, so the page and
// the code cannot drift apart (a test fails when docs/rules/ is stale).
import type { RuleMeta } from '../rules/rule.js';
import type { Formatter } from './formatter.js';

/** A rule's metadata and the hand-written example of its page (docs/rules/<id>.example.md). */
export interface RuleDocSource {
  meta: RuleMeta;
  example?: string;
}

export function renderRuleDoc(meta: RuleMeta, example: string | undefined): string {
  const lines = [
    `# ${meta.id}`,
    '',
    '<!-- Generated from src/rules/' + meta.id + '.ts and docs/rules/' + meta.id + '.example.md by `npm run docs`. Edit those, not this file. -->',
    '',
    meta.description,
    '',
    `- Default severity: **${meta.defaultSeverity}**`,
    `- Fixable with \`--fix\`: ${meta.fixable ? 'yes' : 'no'}`,
    '',
  ];
  const messages = Object.entries(meta.messages);
  if (messages.length > 0) {
    lines.push('## Messages', '', ...messages.map(([id, text]) => `- \`${id}\`: ${text}`), '');
  } else {
    lines.push('Reported while loading and validating the manifest, before the rules run.', '');
  }
  if (example) lines.push(example.trim(), '');
  lines.push('## Sources', '', ...meta.docs.sources.map((source) => `- ${source}`), '');
  lines.push('## Configuration', '', '```yaml', '# .edgewise.yaml', 'rules:', `  ${meta.id}: off   # or info, warning, error`, '```', '');
  return lines.join('\n');
}

export const ruleDocFormatter: Formatter<RuleDocSource> = { name: 'markdown', render: ({ meta, example }) => renderRuleDoc(meta, example) };
