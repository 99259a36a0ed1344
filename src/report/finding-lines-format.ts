// Findings as one line each, `file:line:column  severity  message  rule-id`, as editors link
// them: what the authoring commands (init, gen, offline enable) print about the manifest they
// wrote, and list when they refuse to write it.
import type { Finding, Severity } from '../findings.js';
import type { Formatter } from './formatter.js';

export interface FindingLines {
  findings: readonly Finding[];
  /** Leave out findings below this severity (default: none). */
  minimum?: Severity;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function formatFindingLines(findings: readonly Finding[], minimum: Severity = 'info'): string {
  return findings
    .filter((finding) => RANK[finding.severity] >= RANK[minimum])
    .map((finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.message}  ${finding.ruleId}\n`)
    .join('');
}

export const findingLinesFormatter: Formatter<FindingLines> = { name: 'lines', render: ({ findings, minimum }) => formatFindingLines(findings, minimum) };
