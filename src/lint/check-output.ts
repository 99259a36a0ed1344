// The gate every command that writes a manifest passes first (init, gen, offline enable,
// patch, merge): the text is linted with the full rule catalogue, and a text with errors must
// not be written. convert only warns: it changes the format, not the content.
import type { RuleSetting } from '../config/edgewise-config.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { RULES } from '../rules/index.js';
import { lintSource, type LintFinding } from './lint-source.js';

export interface OutputCheck {
  /** True when the text has no error: it may be written. */
  ok: boolean;
  findings: LintFinding[];
}

export interface OutputCheckOptions {
  /** Force a flavour; by default it follows the output's name and content, as `edgewise lint` does. */
  flavour?: Flavour;
  /** Severity overrides, e.g. unresolved placeholders as warnings under `gen --allow-unresolved`. */
  rules?: Record<string, RuleSetting>;
}

export async function checkOutput(file: string, text: string, options: OutputCheckOptions = {}): Promise<OutputCheck> {
  const linted = await lintSource({ file, text }, { rules: RULES, config: { rules: options.rules ?? {} }, flavour: options.flavour });
  return { ok: !linted.findings.some((finding) => finding.severity === 'error'), findings: linted.findings };
}
