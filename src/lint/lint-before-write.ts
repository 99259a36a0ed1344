// patch and merge never write a manifest that lints with errors: the result is linted with the
// full rule catalogue, and on errors nothing is written and the findings say why (at most
// FINDINGS_PER_RULE of a rule, as in lint; see findings-cap.ts).
import { checkOutput } from './check-output.js';
import type { Flavour } from '../manifest/normalize-manifest.js';
import { parseSource } from '../manifest/parse-source.js';
import { maskableSecrets, maskSecrets, secretsIn } from '../manifest/secrets.js';
import type { CommandResult } from '../report/command-result.js';
import { capFindings } from '../report/findings-cap.js';
import { formatStylish } from '../report/stylish-format.js';

export interface OutputTarget {
  /** The command name, for messages ("patch", "merge"). */
  command: string;
  /** The file the result stands for (its name decides the flavour, as in lint). */
  file: string;
  text: string;
  /** Write here; stdout when undefined. */
  output?: string;
  flavour?: Flavour;
  color?: boolean;
  /** The text the result came from: its own errors are marked as already there. */
  originalText?: string;
}

export async function lintBeforeWrite(target: OutputTarget): Promise<CommandResult> {
  const options = { flavour: target.flavour };
  const linted = await checkOutput(target.file, target.text, options);
  const errors = linted.findings.filter((finding) => finding.severity === 'error');
  const warnings = linted.findings.length - errors.length;
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  if (errors.length > 0) {
    const before = target.originalText === undefined ? [] : (await checkOutput(target.file, target.originalText, options)).findings;
    const known = new Set(before.filter((finding) => finding.severity === 'error').map((finding) => `${finding.ruleId} ${finding.pointer} ${finding.message}`));
    const marked = errors.map((finding) => (known.has(`${finding.ruleId} ${finding.pointer} ${finding.message}`) ? { ...finding, message: `${finding.message} (already in the input)` } : finding));
    const where = target.output ?? 'stdout';
    result.exitCode = 1;
    // The result's findings are masked with the result's secrets; a secret the patch or a layer
    // replaced is secret no more in the result, yet a copy of it elsewhere is still quoted.
    result.stderr = maskSecrets(
      `edgewise ${target.command}: refused to write ${where}: the result has ${errors.length} lint error${errors.length === 1 ? '' : 's'} ` +
        `(positions are in the result, which was not written). Fix them, or run edgewise lint on the inputs:\n` +
        formatStylish(capFindings(marked), 1, { color: target.color ?? false }),
      await secretsOfText(target.file, target.originalText),
    );
    return result;
  }
  if (target.output) result.files.push({ path: target.output, text: target.text });
  else result.stdout = target.text;
  if (warnings > 0) result.stderr = `edgewise ${target.command}: the result has ${warnings} lint warning${warnings === 1 ? '' : 's'}; run edgewise lint on it to see them\n`;
  return result;
}

/** The secrets of the text the result came from. */
async function secretsOfText(file: string, text: string | undefined): Promise<string[]> {
  if (text === undefined) return [];
  const parsed = await parseSource({ file, text });
  return parsed.ok ? maskableSecrets(secretsIn(parsed.source.value)) : [];
}
