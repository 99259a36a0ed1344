// `edgewise gen [TEMPLATE…]`: writes each generated manifest that lints without errors; exit 1
// when one was not generated or was refused. Diagnostics go to stderr, so that `--output -`
// leaves stdout holding nothing but the manifest. With --check it writes nothing and prints one
// line per output that is missing or differs from what gen would write (exit 1), for pre-commit.
import type { Finding } from '../../findings.js';
import { InputError } from '../../errors.js';
import { generateFromTemplates, type GenOptions } from '../../generate/generate-from-templates.js';
import { outputFreshness } from '../../generate/output-freshness.js';
import { loadFormatter } from '../../report/formatters.js';
import type { CommandResult } from '../command-result.js';

export interface GenCommandOptions extends GenOptions {
  /** Compare each output with the file on disk instead of writing it. */
  check?: boolean;
}

export async function runGen(templates: readonly string[], options: GenCommandOptions = {}): Promise<CommandResult> {
  if (options.check && options.output === '-') throw new InputError('--check compares the files gen writes with what it would write; drop --output -, or name the file');
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
    if (options.check) {
      const freshness = outputFreshness(output.path!, output.text, shown);
      if (freshness === 'up-to-date') continue;
      result.exitCode = 1;
      const state = freshness === 'missing' ? `is missing (it is generated from ${output.template})` : `is out of date with ${output.template}`;
      result.stdout += `${shown} ${state}: run ${regenerateCommand(templates, options)}\n`;
      continue;
    }
    if (output.path === undefined) result.stdout += output.text;
    else result.files.push({ path: output.path, text: output.text });
    result.stderr += `edgewise: generated ${shown} from ${output.template} (platform ${run.platform}${run.platformFromSetting ? ', DEFAULT_PLATFORM' : ''})\n${findingLines(output.findings)}`;
  }
  return result;
}

/** The gen command that writes what --check compared: the same templates and options. */
function regenerateCommand(templates: readonly string[], options: GenCommandOptions): string {
  const words = ['edgewise', 'gen', ...templates];
  const valued: [string, string | undefined][] = [
    ['--env', options.env],
    ['--platform', options.platform],
    ['--output', options.output],
    ['--config-dir', options.configDir],
    ['--modules-dir', options.modulesDir],
  ];
  for (const [flag, value] of valued) if (value !== undefined) words.push(flag, value);
  if (options.allowUnresolved) words.push('--allow-unresolved');
  return words.map(shellWord).join(' ');
}

function shellWord(word: string): string {
  return /^[\w./:=@%+,-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}
