// `edgewise gen [TEMPLATE…]`: writes each generated manifest that lints without errors; exit 1
// when one was not generated or was refused. Diagnostics go to stderr, so that `--output -`
// leaves stdout holding nothing but the manifest.
import { generateFromTemplates, type GenOptions } from '../../generate/generate-from-templates.js';
import type { Finding, Severity } from '../../findings.js';
import { loadFormatter } from '../../report/formatters.js';
import { emptyResult, type CommandResult } from '../command-result.js';

export async function runGen(templates: readonly string[], options: GenOptions = {}): Promise<CommandResult> {
  const run = await generateFromTemplates(templates, options);
  const lines = await loadFormatter('finding-lines', 'lines');
  const formatFindingLines = (findings: readonly Finding[], minimum?: Severity): string => lines.render({ findings, minimum }, { color: false });
  const result = emptyResult();
  result.stderr = run.warnings.map((line) => `edgewise: warning: ${line}\n`).join('');
  for (const output of run.outputs) {
    const shown = output.output === '-' ? '<stdout>' : output.output;
    if (output.status === 'not-generated') {
      result.exitCode = 1;
      result.stderr += `edgewise: ${shown} was not generated from ${output.template}:\n${formatFindingLines(output.findings)}`;
      continue;
    }
    if (output.status === 'refused') {
      result.exitCode = 1;
      result.stderr += `edgewise: ${shown} was not written: the manifest generated from ${output.template} has ${output.errors} error${output.errors === 1 ? '' : 's'} (placed in the template)\n${formatFindingLines(output.findings, 'error')}`;
      continue;
    }
    if (output.path === undefined) result.stdout += output.text;
    else result.files.push({ path: output.path, text: output.text });
    result.stderr += `edgewise: generated ${shown} from ${output.template} (platform ${run.platform}${run.platformFromSetting ? ', DEFAULT_PLATFORM' : ''})\n${formatFindingLines(output.findings)}`;
  }
  return result;
}
