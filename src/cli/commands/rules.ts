// `edgewise rules`: the rule catalogue as a table or JSON.
import { RULES } from '../../rules/index.js';
import { loadFormatter } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';

export async function runRules(options: { format: string }): Promise<CommandResult> {
  const formatter = await loadFormatter('rules', options.format);
  return { exitCode: 0, stdout: formatter.render(RULES.map((rule) => rule.meta), { color: false }), stderr: '', files: [] };
}
