// `edgewise convert FILE --to yaml|json`: converts a manifest between JSON and YAML without
// losing anything the other format can hold, then lints the result like every written file.
import { basename, isAbsolute, join } from 'node:path';
import { checkOutput } from '../lint/check-output.js';
import { refusal } from '../generate/output-refusal.js';
import { LineIndex } from '../manifest/line-index.js';
import { detectFlavour } from '../manifest/normalize-manifest.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { InputError, STDIN_NAME } from '../manifest/read-inputs.js';
import { readOneInput } from '../manifest/read-one-input.js';
import type { CommandResult } from '../report/command-result.js';
import { jsonToYaml, type CreateOptionsStyle } from './json-to-yaml.js';
import { yamlToJson } from './yaml-to-json.js';

export type ConvertTarget = 'json' | 'yaml';

export interface ConvertOptions {
  to: ConvertTarget;
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
  if (options.to !== 'json' && options.to !== 'yaml') throw new InputError(`--to must be json or yaml, not "${String(options.to)}"`);
  if (options.output !== undefined && !/\.(json|ya?ml)$/i.test(options.output)) throw new InputError(`--output ${options.output}: name it *.${options.to === 'yaml' ? 'yaml' : 'json'}, so the format is clear to every tool`);
  if (options.output !== undefined && /\.json$/i.test(options.output) !== (options.to === 'json')) throw new InputError(`--output ${options.output} does not end in .${options.to === 'yaml' ? 'yaml' : 'json'}, but --to is ${options.to}`);
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
  const duplicate = parsed.findings[0];
  if (duplicate) return fail(duplicate.offset ?? 0, `${duplicate.message}; convert would keep only the second value`);
  const source = parsed.source;
  if (source.format === options.to) throw new InputError(`${path} is already ${options.to === 'json' ? 'JSON' : 'YAML'}; nothing to convert`);

  let converted: string;
  if (options.to === 'yaml') {
    const yaml = jsonToYaml(text, source.value, { createOptions: options.createOptions });
    converted = yaml.text;
    if (yaml.mapped.length > 0) result.stderr += `edgewise: createOptions written as YAML mappings for ${yaml.mapped.join(', ')}\n`;
    for (const kept of yaml.keptAsString) result.stderr += `edgewise: createOptions of ${kept.module} kept as a string: ${kept.reason}\n`;
  } else {
    const keepObjects = options.createOptions === undefined ? detectFlavour(file, source.value) === 'template' : options.createOptions === 'mapping';
    const json = yamlToJson(text, source.value, { chunkCreateOptions: !keepObjects });
    if (!json.ok) return fail(json.offset, json.message);
    converted = json.text;
    if (json.chunked.length > 0) result.stderr += `edgewise: createOptions of ${json.chunked.join(', ')} serialised as compact JSON in 512-character chunks\n`;
    if (json.comments > 0) result.stderr += `edgewise: note: ${json.comments} comment line${json.comments === 1 ? '' : 's'} of ${file} cannot be carried into JSON and ${json.comments === 1 ? 'was' : 'were'} left out\n`;
  }

  const name = outputName(file, options.to, options.output);
  const check = await checkOutput(name, converted);
  if (!check.ok) return { ...result, exitCode: 1, stderr: result.stderr + refusal('the converted file', name, check.findings) };
  if (options.output === undefined) result.stdout = converted;
  else {
    result.files.push({ path: at(options.output), text: converted });
    result.stderr += `edgewise: wrote ${options.output}\n`;
  }
  return result;
}
