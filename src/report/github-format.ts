// GitHub Actions workflow commands: each finding becomes an annotation on the pull request.
// Escaping follows the runner's rules (% CR LF in messages; also : and , in properties).
// Suggestions follow the message on lines of their own (annotations may span lines).
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

export function formatGithub(context: ReportContext): string {
  return context.findings
    .map((f) => `::${COMMAND[f.severity]} file=${escapeProperty(f.file)},line=${f.line},col=${f.column},title=${escapeProperty(f.ruleId)}::${escapeData(annotationText(f))}\n`)
    .join('');
}

export const githubFormatter: Formatter<ReportContext> = { name: 'github', render: formatGithub };
