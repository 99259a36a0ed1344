// patch and merge never write a manifest that lints with errors: the result is linted with the
// full rule catalogue, and its errors say why it must not be written (at most FINDINGS_PER_RULE
// of a rule, as in lint; see findings-cap.ts), each marked when the input had it already.
import { checkOutput } from './check-output.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { parseSource } from '../manifest/parse-source.js';
import { maskableSecrets, secretsIn } from '../manifest/secrets.js';
import { maskFinding } from '../manifest/mask-finding.js';
import { capFindings } from '../findings-cap.js';
import type { LintFinding } from './lint-source.js';

export interface OutputTarget {
  /** The file the result stands for (its name decides the flavour, as in lint). */
  file: string;
  text: string;
  flavour?: Flavour;
  /** The text the result came from: its own errors are marked as already there. */
  originalText?: string;
}

export interface ResultCheck {
  /** True when the result has no lint error: it may be written. */
  ok: boolean;
  /** The errors (positions in the result), secrets of the original text masked. */
  errors: LintFinding[];
  warnings: number;
}

export async function lintBeforeWrite(target: OutputTarget): Promise<ResultCheck> {
  const options = { flavour: target.flavour };
  const linted = await checkOutput(target.file, target.text, options);
  const errors = linted.findings.filter((finding) => finding.severity === 'error');
  const warnings = linted.findings.length - errors.length;
  if (errors.length === 0) return { ok: true, errors: [], warnings };
  const before = target.originalText === undefined ? [] : (await checkOutput(target.file, target.originalText, options)).findings;
  const known = new Set(before.filter((finding) => finding.severity === 'error').map((finding) => `${finding.ruleId} ${finding.pointer} ${finding.message}`));
  // The result's findings are masked with the result's secrets; a secret the patch or a layer
  // replaced is secret no more in the result, yet a copy of it elsewhere is still quoted.
  const secrets = await secretsOfText(target.file, target.originalText);
  const marked = errors.map((finding) => {
    const message = known.has(`${finding.ruleId} ${finding.pointer} ${finding.message}`) ? `${finding.message} (already in the input)` : finding.message;
    return maskFinding({ ...finding, message }, secrets);
  });
  return { ok: false, errors: capFindings(marked), warnings };
}

/** The secrets of the text the result came from. */
async function secretsOfText(file: string, text: string | undefined): Promise<string[]> {
  if (text === undefined) return [];
  const parsed = await parseSource({ file, text });
  return parsed.ok ? maskableSecrets(secretsIn(parsed.source.value)) : [];
}
