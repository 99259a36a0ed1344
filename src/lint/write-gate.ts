// The one gate every command that writes a manifest passes first (init, gen, offline enable,
// convert, patch, merge): the text is linted with the full rule catalogue, and a text with
// errors must not be written; the command then returns a WriteRefusal instead of the text (one
// refusal, rendered by report/write-refusal-format.ts). convert only warns: it changes the
// format, not the content. Findings are capped per rule as in lint (findings-cap.ts), and
// masked with the output's secrets and those the caller knows of (values gen filled in, the
// secrets of the text a patched or merged result came from).
import type { RuleSetting } from '../config/edgewise-config.js';
import type { Finding } from '../findings.js';
import { capFindings, countFindings } from '../findings-cap.js';
import { maskFinding } from '../manifest/mask-finding.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { parseSource } from '../manifest/parse-source.js';
import { documentSecrets } from '../manifest/secrets.js';
import { RULES } from '../rules/index.js';
import { lintSource, type LintFinding } from './lint-source.js';

export interface OutputCheckOptions {
  /** Force a flavour; by default it follows the output's name and content, as `edgewise lint` does. */
  flavour?: Flavour;
  /** Severity overrides, e.g. unresolved placeholders as warnings under `gen --allow-unresolved`. */
  rules?: Record<string, RuleSetting>;
  /** The text the output came from (patch, merge): errors it had already are marked so, and its secrets are masked. */
  originalText?: string;
  /** Other secrets to mask in the findings. */
  secrets?: readonly string[];
}

export interface OutputCheck {
  /** True when the text has no lint error: it may be written. */
  ok: boolean;
  /** The output's findings, in its positions. */
  findings: LintFinding[];
  /** Counted before the cap. */
  errors: number;
  warnings: number;
}

/** Why an output was not written: what the refusal says, as data. */
export interface WriteRefusal {
  /** The command that refused: "init", "gen", "offline enable", "patch", "merge". */
  command: string;
  /** Where the output was to go: a file as named, or "stdout". */
  target: string;
  /** What was refused: "the result", "the manifest generated from x.template.json"… */
  subject: string;
  /** Where the findings' positions are: in the output, which was not written, or placed in the template it came from. */
  positions: 'output' | 'template';
  /** Lint errors of the output. */
  errors: number;
  /** The findings to list (errors; the refusal shows those). */
  findings: Finding[];
}

export async function checkOutput(file: string, text: string, options: OutputCheckOptions = {}): Promise<OutputCheck> {
  const linted = await lintOutput(file, text, options);
  const counts = countFindings(1, linted);
  let findings = linted;
  if (counts.errors > 0 && options.originalText !== undefined) findings = await markKnownErrors(file, options.originalText, findings, options);
  const secrets = [...(options.secrets ?? []), ...(options.originalText === undefined ? [] : await secretsOfText(file, options.originalText))];
  if (secrets.length > 0) findings = findings.map((finding) => maskFinding(finding, secrets));
  return { ok: counts.errors === 0, findings: capFindings(findings), errors: counts.errors, warnings: counts.warnings };
}

async function lintOutput(file: string, text: string, options: OutputCheckOptions): Promise<LintFinding[]> {
  return (await lintSource({ file, text }, { rules: RULES, config: { rules: options.rules ?? {} }, flavour: options.flavour })).findings;
}

/** Errors the original text had already are marked, so that the user knows the change did not bring them. */
async function markKnownErrors(file: string, originalText: string, findings: LintFinding[], options: OutputCheckOptions): Promise<LintFinding[]> {
  const before = await lintOutput(file, originalText, options);
  const key = (finding: Finding): string => `${finding.ruleId} ${finding.pointer} ${finding.message}`;
  const known = new Set(before.filter((finding) => finding.severity === 'error').map(key));
  return findings.map((finding) => (finding.severity === 'error' && known.has(key(finding)) ? { ...finding, message: `${finding.message} (already in the input)` } : finding));
}

/** The secrets of the text the output came from: one it replaced is secret no more in the output, yet a copy of it elsewhere is still quoted. */
async function secretsOfText(file: string, text: string): Promise<string[]> {
  const parsed = await parseSource({ file, text });
  return parsed.ok ? documentSecrets(parsed.source.value) : [];
}
