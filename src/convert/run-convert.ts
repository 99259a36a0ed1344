// `edgewise convert FILE [--to yaml|json] [-o OUT]`: converts a manifest between JSON and YAML
// without losing anything the other format can hold. The target is --to, or the output's
// extension, or the other format of the input. Convert changes only the format, so a manifest
// with lint errors is converted anyway, with a warning; only input it cannot read is refused.
import { basename, isAbsolute, join } from 'node:path';
import { checkOutput } from '../lint/check-output.js';
import { LineIndex } from '../manifest/line-index.js';
import { decideFlavour } from '../manifest/detect-flavour.js';
import { describeDuplicateKey } from '../rules/duplicate-key.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { STDIN_NAME } from '../manifest/read-inputs.js';
import { InputError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
import type { CommandResult } from '../report/command-result.js';
import { jsonToYaml, type CreateOptionsStyle } from '../manifest/json-to-yaml.js';
import { askedTarget, otherFormat, type ConvertTarget } from './output-format.js';
import { yamlToJson } from '../manifest/yaml-to-json.js';

export type { ConvertTarget };

export interface ConvertOptions {
  /** Target format; default: the output's extension, else the other format of the input. */
  to?: ConvertTarget;
  /** Output file; default stdout. */
  output?: string;
  /**
   * JSON → YAML: 'string' (default) keeps createOptions strings; 'mapping' writes them as mappings where that converts back identically.
   * YAML → JSON: 'string' serialises mapping createOptions into chunks, 'mapping' keeps them as JSON objects;
   * the default is 'string' for a manifest and 'mapping' for a template (*.template.yaml, or `$schema-template`).
   */
  createOptions?: CreateOptionsStyle;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  readStdin?: () => string;
}

/** The name the output is linted under: --output, or the input with the other extension. */
function outputName(input: string, to: ConvertTarget, output: string | undefined): string {
  if (output !== undefined) return output;
  const stem = input === STDIN_NAME ? 'stdin' : basename(input).replace(/\.(json|ya?ml)$/i, '');
  return `${stem}.${to === 'yaml' ? 'yaml' : 'json'}`;
}

export async function runConvert(path: string, options: ConvertOptions): Promise<CommandResult> {
  const cwd = options.cwd ?? '.';
  const at = (file: string): string => (isAbsolute(file) ? file : join(cwd, file));
  if (options.to !== undefined && options.to !== 'json' && options.to !== 'yaml') throw new InputError(`--to must be json or yaml, not "${String(options.to)}"`);
  const asked = askedTarget(options.to, options.output);
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  const text = stripByteOrderMark(input.text);
  const parsed = await parseSource({ file, text });
  const result: CommandResult = { exitCode: 0, stdout: '', stderr: '', files: [] };
  const lines = new LineIndex(text);
  const fail = (offset: number, message: string): CommandResult => {
    const place = lines.locate(offset);
    return { ...result, exitCode: 1, stderr: `edgewise: ${file}:${place.line}:${place.column}  ${message}\n` };
  };
  if (!parsed.ok) return fail(parsed.finding.offset ?? 0, parsed.finding.message);
  const duplicate = parsed.duplicateKeys[0];
  if (duplicate) return fail(duplicate.secondOffset, `${describeDuplicateKey(duplicate)}; convert would keep only the second value`);
  const source = parsed.source;
  const to = asked ?? otherFormat(source.format);
  if (source.format === to) throw new InputError(`${path} is already ${to === 'json' ? 'JSON' : 'YAML'}; nothing to convert`);

  let converted: string;
  if (to === 'yaml') {
    const yaml = jsonToYaml(text, source.value, { createOptions: options.createOptions });
    converted = yaml.text;
    if (yaml.mapped.length > 0) result.stderr += `edgewise: createOptions written as YAML mappings for ${yaml.mapped.join(', ')}\n`;
    for (const kept of yaml.keptAsString) result.stderr += `edgewise: createOptions of ${kept.module} kept as a string: ${kept.reason}\n`;
  } else {
    // A createOptions mapping is ordinary YAML authoring, so it is no sign of a template here.
    const flavour = decideFlavour(file, source.value);
    const template = flavour.flavour === 'template' && flavour.sign !== 'object-create-options';
    const keepObjects = options.createOptions === undefined ? template : options.createOptions === 'mapping';
    const json = yamlToJson(text, source.value, { chunkCreateOptions: !keepObjects });
    if (!json.ok) return fail(json.offset, json.message);
    converted = json.text;
    if (json.chunked.length > 0) result.stderr += `edgewise: createOptions of ${json.chunked.join(', ')} serialised as compact JSON in 512-character chunks\n`;
    if (json.comments > 0) result.stderr += `edgewise: note: ${json.comments} comment line${json.comments === 1 ? '' : 's'} of ${file} cannot be carried into JSON and ${json.comments === 1 ? 'was' : 'were'} left out\n`;
  }

  const name = outputName(file, to, options.output);
  const errors = (await checkOutput(name, converted)).findings.filter((finding) => finding.severity === 'error').length;
  if (errors > 0) {
    result.stderr += `edgewise: warning: ${file} has ${errors} lint error${errors === 1 ? '' : 's'}; converted anyway (convert changes only the format)\n`;
  }
  if (options.output === undefined) result.stdout = converted;
  else {
    result.files.push({ path: at(options.output), text: converted });
    result.stderr += `edgewise: wrote ${options.output}\n`;
  }
  return result;
}
