// The report for a pull-request comment (GitHub-flavoured Markdown): a summary table of what the
// runtime will do, then the changes of each module or section.
import { maskSecrets } from '../manifest/mask-secrets.js';
import type { ManifestDiff } from '../diff/diff-manifests.js';
import { describeChange, type ChangeDescription } from '../diff/describe-change.js';
import { groupTitle } from '../diff/group-title.js';
import { IMPACT_LABEL, IMPACT_MEANING } from '../diff/impact.js';
import type { DiffView } from './diff-view.js';
import type { Formatter } from './formatter.js';

export const diffMarkdownFormatter: Formatter<DiffView> = {
  name: 'markdown',
  render: ({ diff, showSecrets }) => formatDiffMarkdown(diff, { showSecrets }),
};

function formatDiffMarkdown(diff: ManifestDiff, options: { showSecrets: boolean }): string {
  let output = `### edgewise diff\n\n${code(diff.a.file)} → ${code(diff.b.file)}: `;
  if (diff.changes.length === 0) return `${output}no differences in meaning.\n`;
  const count = diff.changes.length;
  output += `${count} change${count === 1 ? '' : 's'}\n\n| Where | Impact | Changes |\n| --- | --- | --- |\n`;
  for (const group of diff.groups) {
    const effects = group.effects.map((effect) => (effect === group.impact ? `**${IMPACT_LABEL[effect]}**` : IMPACT_LABEL[effect])).join(', ');
    output += `| ${cell(groupTitle(group, code))} | ${effects} | ${group.changes.length} |\n`;
  }
  for (const group of diff.groups) {
    output += `\n#### ${groupTitle(group, code)}: ${group.effects.map((effect) => IMPACT_LABEL[effect]).join(', ')}\n\n_${IMPACT_MEANING[group.impact]}_\n\n`;
    for (const change of group.changes) output += `- ${bullet(describeChange(change, diff.secrets, options.showSecrets))}\n`;
  }
  return options.showSecrets ? output : maskSecrets(output, diff.secrets);
}

function bullet(description: ChangeDescription): string {
  const label = code(description.label);
  if (description.secret) return `${label} ${description.kind} (value hidden)`;
  if (description.kind === 'added') return `${label} added: ${code(description.new ?? '')}`;
  if (description.kind === 'removed') return `${label} removed (was ${code(description.old ?? '')})`;
  if (description.itemsAdded && description.itemsRemoved) {
    return `${label} ${[...description.itemsAdded.map((item) => `+${code(item)}`), ...description.itemsRemoved.map((item) => `−${code(item)}`)].join(' ')}`;
  }
  return `${label} ${code(description.old ?? '')} → ${code(description.new ?? '')}${description.context ? ` (${code(description.context)})` : ''}`;
}

/** A code span that holds any text: a fence longer than any run of backticks inside it. */
function code(text: string): string {
  let longest = 0; // a loop, not Math.max(...runs): a long value can hold more runs than a call takes arguments
  for (const match of text.matchAll(/`+/g)) longest = Math.max(longest, match[0].length);
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
