// The gate every authoring command (init, gen, offline enable, convert) passes before it writes:
// the text is linted with the full rule catalogue, and a file with errors is not written.
import type { RuleSetting } from '../config/edgewise-config.js';
import type { Finding } from '../findings.js';
import { lintSource, type LintFinding } from '../lint/lint-source.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { RULES } from '../rules/index.js';

export interface OutputCheck {
  /** True when the text has no error: it may be written. */
  ok: boolean;
  findings: LintFinding[];
}

export interface OutputCheckOptions {
  /** Force a flavour; by default it follows the output's name and `$schema-template`, as `edgewise lint` does. */
  flavour?: Flavour;
  /** Severity overrides, e.g. unresolved placeholders as warnings under `gen --allow-unresolved`. */
  rules?: Record<string, RuleSetting>;
}

export async function checkOutput(file: string, text: string, options: OutputCheckOptions = {}): Promise<OutputCheck> {
  const linted = await lintSource({ file, text }, { rules: RULES, config: { rules: options.rules ?? {} }, flavour: options.flavour });
  return { ok: !linted.findings.some((finding) => finding.severity === 'error'), findings: linted.findings };
}

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
