// The human report: changes grouped by module and section, each group headed by what the
// runtime will do. Colour only when asked (the CLI asks on a TTY without NO_COLOR: wantsColor).
import { isDeepStrictEqual } from 'node:util';
import { maskSecrets } from '../manifest/mask-secrets.js';
import type { ManifestDiff } from '../diff/diff-manifests.js';
import { describeChange, type ChangeDescription } from '../diff/describe-change.js';
import { groupTitle } from '../diff/group-title.js';
import { IMPACT_LABEL, IMPACT_MEANING, type Impact } from '../diff/impact.js';
import type { DiffView } from './diff-view.js';
import type { Formatter } from './formatter.js';

interface DiffFormatOptions {
  color: boolean;
  showSecrets: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, cyan: 36, dim: 2, bold: 1 } as const;
const IMPACT_COLOUR: Record<Impact, keyof typeof CODES> = {
  remove: 'red',
  create: 'green',
  recreate: 'red',
  'stop-start': 'yellow',
  'twin-patch': 'cyan',
  'routes-reload': 'cyan',
  'no-effect': 'dim',
};

function formatDiffText(diff: ManifestDiff, options: DiffFormatOptions): string {
  const paint = (code: keyof typeof CODES, text: string): string => (options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text);
  let output = `${paint('bold', `edgewise diff ${diff.a.file} → ${diff.b.file}`)}\n`;
  if (diff.changes.length === 0) {
    const note = isDeepStrictEqual(diff.a.value, diff.b.value) ? '' : ' (the files differ only in layout: key order, createOptions chunking, defaults or keys outside modulesContent)';
    return `${output}\nNo differences in meaning${note}.\n`;
  }
  for (const group of diff.groups) {
    const effects = group.effects.map((effect) => paint(IMPACT_COLOUR[effect], IMPACT_LABEL[effect])).join(', ');
    output += `\n${paint('bold', groupTitle(group))}: ${effects}  ${paint('dim', IMPACT_MEANING[group.impact])}\n`;
    for (const change of group.changes) output += `  ${line(describeChange(change, diff.secrets, options.showSecrets), paint)}\n`;
  }
  const count = diff.changes.length;
  const summary = diff.groups.map((group) => `${groupTitle(group)}: ${IMPACT_LABEL[group.impact]}`).join('; ');
  output += `\n${count} change${count === 1 ? '' : 's'}: ${summary}\n`;
  return options.showSecrets ? output : maskSecrets(output, diff.secrets);
}

function line(description: ChangeDescription, paint: (code: keyof typeof CODES, text: string) => string): string {
  const { label, kind } = description;
  if (description.secret) return paint(kind === 'added' ? 'green' : kind === 'removed' ? 'red' : 'yellow', `${marker(kind)} ${label} (${kind})`);
  if (kind === 'added') return paint('green', `+ ${label} added: ${description.new}`);
  if (kind === 'removed') return paint('red', `- ${label} removed (was ${description.old})`);
  const context = description.context ? ` ${paint('dim', `(${description.context})`)}` : '';
  if (description.itemsAdded && description.itemsRemoved) {
    const items = [...description.itemsAdded.map((item) => paint('green', `+${item}`)), ...description.itemsRemoved.map((item) => paint('red', `-${item}`))];
    return `${paint('yellow', '~')} ${label} ${items.join(' ')}`;
  }
  return `${paint('yellow', '~')} ${label} ${paint('red', description.old ?? '')} → ${paint('green', description.new ?? '')}${context}`;
}

function marker(kind: string): string {
  return kind === 'added' ? '+' : kind === 'removed' ? '-' : '~';
}

export const diffTextFormatter: Formatter<DiffView> = {
  name: 'text',
  render: ({ diff, showSecrets }, { color }) => formatDiffText(diff, { color, showSecrets }),
};
