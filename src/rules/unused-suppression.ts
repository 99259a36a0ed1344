// A suppression in .edgewise.yaml that matched no finding: stale suppressions hide nothing
// today but would hide a new problem at the same place tomorrow. Reported by the lint runner
// (src/lint/unused-suppressions.ts), in the config file; this file holds the rule's metadata.
import type { Rule } from './rule.js';

export const unusedSuppression: Rule = {
  meta: {
    id: 'unused-suppression',
    defaultSeverity: 'warning',
    description: 'A suppression in the config file that matched no finding in this run; remove it, or fix its file glob, pointer or rule.',
    fixable: false,
    docs: { sources: ["ESLint's --report-unused-disable-directives, the convention this follows"] },
    messages: {},
  },
  check: () => [], // reported by the lint runner, which sees every file a config applies to
};
