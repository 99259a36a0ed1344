// How the authoring commands (init, gen, offline enable, convert) explain a refused output;
// the lint gate itself is src/lint/check-output.ts.
import type { Finding } from '../findings.js';


/** One line per finding: `file:line:column  severity  message  rule-id`, as editors link them. */
export function formatFindingLines(findings: readonly Finding[], minimum: 'info' | 'warning' | 'error' = 'info'): string {
  const rank = { info: 0, warning: 1, error: 2 } as const;
  return findings
    .filter((finding) => rank[finding.severity] >= rank[minimum])
    .map((finding) => `${finding.file}:${finding.line}:${finding.column}  ${finding.severity}  ${finding.message}  ${finding.ruleId}\n`)
    .join('');
}

/** The explanation given when an output is refused. */
export function refusal(what: string, file: string, findings: readonly Finding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return `edgewise: ${what} ${file} was not written: it has ${errors} error${errors === 1 ? '' : 's'}\n${formatFindingLines(findings, 'error')}`;
}
