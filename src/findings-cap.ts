// Caps what is reported per file: the first FINDINGS_PER_RULE findings of each rule in a file
// are listed, the rest become one summary finding of that rule ("… and 199,000 more
// duplicate-key findings in this file (not listed)"), as compilers stop listing errors after a
// limit. A file with 200,000 duplicate keys would otherwise produce a report of tens of
// megabytes that no one reads. The summary keeps what it stands for in `omitted`, so the counts
// and the exit code still reflect every finding (countFindings).
import { summarize, type Finding, type Severity, type Summary } from './findings.js';

/** Findings listed per rule and file; the rest are summarised. */
export const FINDINGS_PER_RULE = 1000;

export type SeverityCounts = Pick<Summary, 'errors' | 'warnings' | 'infos'>;

/** The finding that stands for the findings of a rule that were not listed. */
export interface OmittedFindings extends Finding {
  /** How many findings of each severity it stands for. */
  omitted: SeverityCounts;
}

const COUNT_KEY: Record<Severity, keyof SeverityCounts> = { error: 'errors', warning: 'warnings', info: 'infos' };
const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

export function isOmittedFindings(finding: Finding): finding is OmittedFindings {
  return (finding as Partial<OmittedFindings>).omitted !== undefined;
}

function describeOmitted(ruleId: string, counts: SeverityCounts): string {
  const total = counts.errors + counts.warnings + counts.infos;
  const kinds = (Object.entries(counts) as [keyof SeverityCounts, number][]).filter(([, count]) => count > 0);
  // Only a rule with mixed severities needs them spelt out.
  const split = kinds.length > 1 ? `: ${kinds.map(([kind, count]) => `${count.toLocaleString('en-US')} ${count === 1 ? kind.slice(0, -1) : kind}`).join(', ')}` : '';
  return `… and ${total.toLocaleString('en-US')} more ${ruleId} finding${total === 1 ? '' : 's'} in this file (not listed${split}); fix the listed ones and run again to see the rest`;
}

/**
 * Keeps the first `limit` findings of each rule and file, in the order given (callers pass them
 * sorted by position), and appends one summary finding per rule and file for the rest, placed at
 * the first finding it stands for. Linear in the number of findings.
 */
export function capFindings<T extends Finding>(findings: readonly T[], limit = FINDINGS_PER_RULE): (T | OmittedFindings)[] {
  const seen = new Map<string, number>();
  const kept: (T | OmittedFindings)[] = [];
  const summaries = new Map<string, OmittedFindings>();
  for (const finding of findings) {
    const key = `${finding.file}\u0000${finding.ruleId}`;
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    if (count <= limit) {
      kept.push(finding);
      continue;
    }
    let summary = summaries.get(key);
    if (!summary) {
      const { file, ruleId, severity, pointer, line, column } = finding;
      summary = { file, ruleId, severity, message: '', pointer, line, column, omitted: { errors: 0, warnings: 0, infos: 0 } };
      summaries.set(key, summary);
    }
    summary.omitted[COUNT_KEY[finding.severity]]++;
    if (RANK[finding.severity] > RANK[summary.severity]) summary.severity = finding.severity;
  }
  for (const summary of summaries.values()) {
    summary.message = describeOmitted(summary.ruleId, summary.omitted);
    kept.push(summary);
  }
  return kept;
}

/** summarize(), counting what each summary finding stands for instead of the summary itself. */
export function countFindings(files: number, findings: readonly Finding[]): Summary {
  const summary = summarize(files, findings);
  for (const finding of findings) {
    if (!isOmittedFindings(finding)) continue;
    summary[COUNT_KEY[finding.severity]]--;
    summary.errors += finding.omitted.errors;
    summary.warnings += finding.omitted.warnings;
    summary.infos += finding.omitted.infos;
  }
  return summary;
}
