// Command-line wiring only: flags to functions, results to stdout, exit codes.
// Exit codes follow ESLint: 0 clean, 1 findings, 2 usage or internal error.
import { Command, CommanderError, Option } from 'commander';
import { collectInputs, InputError } from '../manifest/read-inputs.js';
import { exitCodeFor, renderReport, VALIDATE_FORMATS, wantsColor, type ValidateFormat } from '../report/render-report.js';
import { validateInParallel } from '../validate/validate-in-parallel.js';
import type { Flavour } from '../manifest/normalize-manifest.js';

const USAGE_ERROR = 2;

function buildProgram(): Command {
  const program = new Command('edgewise')
    .description('Validate Azure IoT Edge deployment manifests')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({ writeErr: (text) => process.stderr.write(text) });

  program
    .command('validate')
    .description('check manifests against the IoT Edge schemas (files, folders, or - for stdin)')
    .argument('[paths...]', 'manifest files or folders; - reads stdin', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices([...VALIDATE_FORMATS]).default('stylish'))
    .addOption(new Option('--flavour <flavour>', 'treat inputs as concrete manifests or as templates (default: by file name)').choices(['manifest', 'template']))
    .action(async (paths: string[], options: { format: ValidateFormat; flavour?: Flavour }) => {
      const report = await validateInParallel(collectInputs(paths), { flavour: options.flavour });
      process.stdout.write(renderReport(options.format, report.findings, report.files, wantsColor(process.stdout, process.env)));
      process.exitCode = exitCodeFor(report.findings);
    });
  return program;
}

export async function main(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode === 0 ? 0 : USAGE_ERROR;
    } else if (error instanceof InputError) {
      process.stderr.write(`edgewise: ${error.message}\n`);
      process.exitCode = USAGE_ERROR;
    } else {
      const detail = process.env.EDGEWISE_DEBUG ? `\n${(error as Error).stack}` : ' (set EDGEWISE_DEBUG=1 for details)';
      process.stderr.write(`edgewise: internal error: ${(error as Error).message}${detail}\n`);
      process.exitCode = USAGE_ERROR;
    }
  }
}

void main(process.argv);
