// Gives a file's reports their words, places and masks them: once per file, for validate and for
// lint alike. Positions come from the source kept beside the model (the text as given when it
// did not parse); messages are masked with the manifest's secrets.
import type { Finding, Severity } from '../findings.js';
import { placeFindings } from '../manifest/place-findings.js';
import { collectSecrets, maskSecrets } from '../manifest/secrets.js';
import { pendingFinding, type Rule, type RuleReport } from '../rules/rule.js';
import type { LoadedSource } from './load-source.js';

export interface RuleReportEntry {
  rule: Rule;
  report: RuleReport;
  severity: Severity;
}

export interface PlacedReports {
  /** One finding per entry, in the same order. */
  findings: Finding[];
  /** The manifest's secrets, masked in every message (for other text that quotes the manifest). */
  secrets: string[];
}

export async function placeReports(load: LoadedSource, entries: readonly RuleReportEntry[]): Promise<PlacedReports> {
  if (entries.length === 0) return { findings: [], secrets: [] };
  const { input, source, manifest } = load;
  const pending = entries.map((entry) => pendingFinding(entry.rule, entry.report, entry.severity));
  const findings = source ? await placeFindings(source.file, source.text, pending, source, manifest?.createOptions) : await placeFindings(input.file, input.text, pending);
  // A text that did not parse has no values to know secrets by.
  if (!manifest) return { findings, secrets: [] };
  const secrets = collectSecrets(manifest);
  for (const finding of findings) finding.message = maskSecrets(finding.message, secrets);
  return { findings, secrets };
}

export function byPosition(a: Finding, b: Finding): number {
  return a.line - b.line || a.column - b.column;
}
