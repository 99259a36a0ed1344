// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
// Escaping follows the runner's rules (% CR LF in messages; also : and , in properties).
// Suggestions follow the message on lines of their own (annotations may span lines).
// GitHub turns only the first 10 commands of each kind in a step into annotations (actions/toolkit,
// docs/problem-matchers.md, "Limitations"); past that, a notice put first says the log has the rest.
import type { Finding, Severity } from '../findings.js';
import type { ReportContext } from './report-context.js';
import type { Formatter } from './formatter.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice' };

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

function annotationText(finding: Finding): string {
  return [finding.message, ...(finding.suggestions ?? []).map((suggestion) => `suggestion: ${suggestion.description}`)].join('\n');
}

/** Annotations GitHub shows per kind (error, warning, notice) and step. */
export const ANNOTATIONS_SHOWN_PER_KIND = 10;

function overflowNotice(findings: readonly Finding[]): string {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const finding of findings) counts[finding.severity]++;
  if (Object.values(counts).every((count) => count <= ANNOTATIONS_SHOWN_PER_KIND)) return '';
  const found = (['error', 'warning', 'info'] as const).filter((severity) => counts[severity] > 0).map((severity) => `${counts[severity]} ${severity}${counts[severity] === 1 ? '' : 's'}`);
  return `::notice title=edgewise::${found.join(', ')}: GitHub annotates the first ${ANNOTATIONS_SHOWN_PER_KIND} of each kind in a step; this log lists them all.\n`;
}

export function formatGithub(context: ReportContext): string {
  const annotations = context.findings
    .map((f) => `::${COMMAND[f.severity]} file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}::${escapeData(annotationText(f))}\n`)
    .join('');
  return overflowNotice(context.findings) + annotations;
}

export const githubFormatter: Formatter<ReportContext> = { name: 'github', render: formatGithub };
