// A suppression in .edgewise.yaml that matched no finding: stale suppressions hide nothing
// today but would hide a new problem at the same place tomorrow. Only the lint runner sees
// every file a config applies to, so it tells this rule which suppressions of the config were
// unused (src/lint/unused-suppressions.ts), and the rule reports them, in the config file.
import type { Rule, RuleReport } from './rule.js';

export const unusedSuppression: Rule = {
  meta: {
    id: 'unused-suppression',
    defaultSeverity: 'warning',
    description: 'A suppression in the config file that matched no finding in this run; remove it, or fix its file glob, pointer or rule.',
    fixable: false,
    docs: { sources: ["ESLint's --report-unused-disable-directives, the convention this follows"] },
    messages: {
      unused: 'this suppression of {{rule}} at {{pointer}} for {{file}} matched no finding; remove it, or fix its file, pointer or rule',
    },
  },
  check(_manifest, loaded) {
    return (loaded?.unusedSuppressions ?? []).map(
      (suppression): RuleReport => ({ messageId: 'unused', data: { rule: suppression.rule, pointer: suppression.pointer, file: suppression.file }, pointer: `/suppressions/${suppression.index}` }),
    );
  },
};
