// `edgewise init --list`: each bundled template with its description and parameters.
import { DEFAULT_TEMPLATE, type TemplateEntry } from '../init/template-catalogue.js';
import type { Formatter } from './formatter.js';

function formatTemplateList(templates: readonly TemplateEntry[]): string {
  const width = Math.max(...templates.map((entry) => entry.name.length));
  let text = '';
  for (const entry of templates) {
    text += `${entry.name.padEnd(width)}  ${entry.description}${entry.name === DEFAULT_TEMPLATE ? ' (default)' : ''}\n`;
    for (const parameter of entry.parameters) text += `${' '.repeat(width)}    --set ${parameter.name}=…  ${parameter.description}; default ${parameter.default}\n`;
  }
  return text;
}

export const templateListFormatter: Formatter<readonly TemplateEntry[]> = { name: 'text', render: formatTemplateList };
