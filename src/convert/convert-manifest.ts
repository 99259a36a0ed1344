// `edgewise convert FILE [--to yaml|json] [-o OUT]`: converts a manifest between JSON and YAML
// without losing anything the other format can hold. The target is --to, or the output's
// extension, or the other format of the input. Convert changes only the format, so a manifest
// with lint errors is converted anyway (the count comes back, for a warning); only input it
// cannot read is refused, with a ManifestError.
import { basename, isAbsolute, join } from 'node:path';
import { checkOutput } from '../lint/write-gate.js';
import { LineIndex } from '../manifest/line-index.js';
import { decideFlavour } from '../manifest/detect-flavour.js';
import { describeDuplicateKey } from '../rules/duplicate-key.js';
import { parseSource, stripByteOrderMark } from '../manifest/parse-source.js';
import { STDIN_NAME } from '../manifest/read-inputs.js';
import { InputError, ManifestError } from '../errors.js';
import { readOneInput } from '../manifest/read-one-input.js';
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

export interface Conversion {
  /** The manifest read: its path as given, or "<stdin>". */
  file: string;
  to: ConvertTarget;
  text: string;
  /** Where to write it (`cwd` joined to --output), or undefined for stdout. */
  path?: string;
  /** What the conversion did that the user should know (createOptions restyled, comments left out), one line each. */
  notes: string[];
  /** Lint errors of the converted manifest: it is converted anyway. */
  lintErrors: number;
}

/** Why a manifest cannot be converted: ManifestError codes. */
export const CONVERT_FAILURES = ['unparsable', 'duplicate-key', 'unconvertible'] as const;

export async function convertManifest(path: string, options: ConvertOptions = {}): Promise<Conversion> {
  const cwd = options.cwd ?? '.';
  const at = (file: string): string => (isAbsolute(file) ? file : join(cwd, file));
  if (options.to !== undefined && options.to !== 'json' && options.to !== 'yaml') throw new InputError(`--to must be json or yaml, not "${String(options.to)}"`);
  const asked = askedTarget(options.to, options.output);
  const input = readOneInput(path, cwd, options.readStdin);
  const file = input.file;
  const text = stripByteOrderMark(input.text);
  const parsed = await parseSource({ file, text });
  const notes: string[] = [];
  const lines = new LineIndex(text);
  const failure = (code: (typeof CONVERT_FAILURES)[number], offset: number, message: string): ManifestError => {
    const place = lines.locate(offset);
    return new ManifestError(message, code, { file, line: place.line, column: place.column });
  };
  if (!parsed.ok) throw failure('unparsable', parsed.finding.offset ?? 0, parsed.finding.message);
  const duplicate = parsed.duplicateKeys[0];
  if (duplicate) throw failure('duplicate-key', duplicate.secondOffset, `${describeDuplicateKey(duplicate)}; convert would keep only the second value`);
  const source = parsed.source;
  const to = asked ?? otherFormat(source.format);
  if (source.format === to) throw new InputError(`${path} is already ${to === 'json' ? 'JSON' : 'YAML'}; nothing to convert`);

  let converted: string;
  if (to === 'yaml') {
    const yaml = jsonToYaml(text, source.value, { createOptions: options.createOptions });
    converted = yaml.text;
    if (yaml.mapped.length > 0) notes.push(`createOptions written as YAML mappings for ${yaml.mapped.join(', ')}`);
    for (const kept of yaml.keptAsString) notes.push(`createOptions of ${kept.module} kept as a string: ${kept.reason}`);
  } else {
    // A createOptions mapping is ordinary YAML authoring, so it is no sign of a template here.
    const flavour = decideFlavour(file, source.value);
    const template = flavour.flavour === 'template' && flavour.sign !== 'object-create-options';
    const keepObjects = options.createOptions === undefined ? template : options.createOptions === 'mapping';
    const json = yamlToJson(text, source.value, { chunkCreateOptions: !keepObjects });
    if (!json.ok) throw failure('unconvertible', json.offset, json.message);
    converted = json.text;
    if (json.chunked.length > 0) notes.push(`createOptions of ${json.chunked.join(', ')} serialised as compact JSON in 512-character chunks`);
    if (json.comments > 0) notes.push(`note: ${json.comments} comment line${json.comments === 1 ? '' : 's'} of ${file} cannot be carried into JSON and ${json.comments === 1 ? 'was' : 'were'} left out`);
  }

  const name = outputName(file, to, options.output);
  const lintErrors = (await checkOutput(name, converted)).errors;
  return { file, to, text: converted, ...(options.output === undefined ? {} : { path: at(options.output) }), notes, lintErrors };
}
