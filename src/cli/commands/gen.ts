// `edgewise gen [TEMPLATE…]`: writes each generated manifest that lints without errors; exit 1
// when one was not generated or was refused. Diagnostics go to stderr, so that `--output -`
// leaves stdout holding nothing but the manifest.
import type { Finding } from '../../findings.js';
import { generateFromTemplates, type GenOptions } from '../../generate/generate-from-templates.js';
import { loadFormatter } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';

export async function runGen(templates: readonly string[], options: GenOptions = {}): Promise<CommandResult> {
  const run = await generateFromTemplates(templates, options);
  const [lines, refusal] = await Promise.all([loadFormatter('finding-lines', 'lines'), loadFormatter('write-refusal', 'text')]);
  const findingLines = (findings: readonly Finding[]): string => lines.render({ findings }, { color: false });
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  result.stderr = run.warnings.map((line) => `edgewise: warning: ${line}\n`).join('');
  for (const output of run.outputs) {
    const shown = output.output === '-' ? '<stdout>' : output.output;
    if (output.status === 'not-generated') {
      result.exitCode = 1;
      result.stderr += `edgewise: ${shown} was not generated from ${output.template}:\n${findingLines(output.findings)}`;
      continue;
    }
    if (output.status === 'refused') {
      result.exitCode = 1;
      result.stderr += refusal.render(output.refusal, { color: false });
      continue;
    }
    if (output.path === undefined) result.stdout += output.text;
    else result.files.push({ path: output.path, text: output.text });
    result.stderr += `edgewise: generated ${shown} from ${output.template} (platform ${run.platform}${run.platformFromSetting ? ', DEFAULT_PLATFORM' : ''})\n${findingLines(output.findings)}`;
  }
  return result;
}
