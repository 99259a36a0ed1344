// `edgewise rules`: the rule catalogue as a table or JSON.
import { RULES } from '../../rules/index.js';
import { formatRuleList } from '../../report/rule-list-format.js';
import type { CommandResult } from '../command-result.js';

export function runRules(options: { format: 'text' | 'json' }): CommandResult {
  return { exitCode: 0, stdout: formatRuleList(RULES, options.format), stderr: '', files: [] };
}
