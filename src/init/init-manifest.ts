// `edgewise init`: one of the bundled templates as a starting manifest. Parameters
// (host folders, images) take their --set values, or stay at their defaults, so the file
// deploys as is; with --keep-params they become ${NAME} placeholders, for `edgewise gen` in CI.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { jsonToYaml } from '../manifest/json-to-yaml.js';
import { initFormat } from '../convert/output-format.js';
import { checkOutput, type OutputCheck, type WriteRefusal } from '../lint/write-gate.js';
import { SCHEMA_TEMPLATE_KEY } from '../generate/generate-manifest.js';
import { serializeCreateOptions } from '../generate/serialize-create-options.js';
import { createOptionsAsObjects } from './create-options-objects.js';
import { fillParameters } from './fill-parameters.js';
import { InputError } from '../errors.js';
import { DEFAULT_TEMPLATE, findTemplate, TEMPLATES, TEMPLATES_DIR, type TemplateEntry } from './template-catalogue.js';

/** `$schema-template` of a --keep-params output: the template format iotedgedev writes today. */
const SCHEMA_TEMPLATE_VERSION = '4.0.0';

export interface InitOptions {
  /** Template name (default "minimal"); see --list. */
  template?: string;
  /** Output file, or "-" for stdout. Default: deployment.json (deployment.yaml with --yaml; deployment.template.* with --keep-params). */
  output?: string;
  /** Write YAML instead of JSON (also implied by an --output named *.yaml or *.yml). */
  yaml?: boolean;
  /** Parameter values, NAME=VALUE. */
  set?: string[];
  /** Write a template for `edgewise gen`: parameters as ${NAME} placeholders, createOptions as objects, `$schema-template` set. */
  keepParams?: boolean;
  /** Overwrite an existing output file. */
  force?: boolean;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  /** Where the templates are (default: the bundled templates/). */
  templatesDir?: string;
}

export interface InitResult {
  /** The template's name. */
  template: string;
  /** The output as named ("-" for stdout), or its default name. */
  target: string;
  /** Where to write it (`cwd` joined to a relative target), or undefined for stdout. */
  path?: string;
  /** The name the output was linted under. */
  shown: string;
  text: string;
  /** Each parameter: with --keep-params it stays a placeholder, else it has a value (`given` by --set, or the default). */
  parameters: { name: string; value: string; given: boolean }[];
  keepParams: boolean;
  /** The output linted. */
  check: OutputCheck;
  /** Set when the output has lint errors: then it must not be written. */
  refusal?: WriteRefusal;
}

export async function initManifest(options: Omit<InitOptions, 'list'> = {}): Promise<InitResult> {
  const yaml = initFormat(options.yaml, options.output) === 'yaml';
  const name = options.template ?? DEFAULT_TEMPLATE;
  const entry = findTemplate(name);
  if (!entry) throw new InputError(`no template named "${name}"; use one of ${TEMPLATES.map((template) => template.name).join(', ')} (see edgewise init --list)`);
  const values = parameterValues(entry, options);
  const root = JSON.parse(readFileSync(join(options.templatesDir ?? TEMPLATES_DIR, entry.file), 'utf8')) as Record<string, unknown>;
  const replacements = entry.parameters
    .map((parameter) => ({ from: parameter.default, to: options.keepParams ? `\${${parameter.name}}` : values.get(parameter.name)! }))
    .filter((replacement) => replacement.from !== replacement.to);
  fillParameters(root, replacements);
  if (options.keepParams) createOptionsAsObjects(root);
  else serializeCreateOptions(root); // a longer value may push createOptions past 512 characters
  // A template for `gen` says so, so that lint treats its placeholders as placeholders.
  const document = options.keepParams ? { [SCHEMA_TEMPLATE_KEY]: SCHEMA_TEMPLATE_VERSION, ...root } : root;
  const json = `${JSON.stringify(document, null, 2)}\n`;
  const output = yaml ? jsonToYaml(json, JSON.parse(json) as unknown).text : json;
  const target = options.output ?? `deployment${options.keepParams ? '.template' : ''}.${yaml ? 'yaml' : 'json'}`;
  const cwd = options.cwd ?? '.';
  const path = isAbsolute(target) ? target : join(cwd, target);
  if (target !== '-' && !options.force && existsSync(path)) throw new InputError(`${target} already exists; choose another --output, or pass --force to overwrite it`);

  const shown = target === '-' ? `deployment.${yaml ? 'yaml' : 'json'}` : target;
  // A new deployment is what a device is prepared for: say which user must own its storage
  // folders (storage-permissions is off unless asked for, and init asks).
  const check = await checkOutput(shown, output, { flavour: options.keepParams ? 'template' : 'manifest', rules: { 'storage-permissions': 'info' } });
  const parameters = entry.parameters.map((parameter) => ({ name: parameter.name, value: values.get(parameter.name)!, given: options.set?.some((item) => item.startsWith(`${parameter.name}=`)) ?? false }));
  const refusal: WriteRefusal | undefined = check.ok
    ? undefined
    : { command: 'init', target: target === '-' ? 'stdout' : target, subject: `the manifest from template ${entry.name}`, positions: 'output', errors: check.errors, findings: check.findings };
  return { template: entry.name, target, ...(target === '-' ? {} : { path }), shown, text: output, parameters, keepParams: options.keepParams ?? false, check, ...(refusal && { refusal }) };
}

function parameterValues(entry: TemplateEntry, options: InitOptions): Map<string, string> {
  const values = new Map(entry.parameters.map((parameter) => [parameter.name, parameter.default]));
  if (options.keepParams && (options.set?.length ?? 0) > 0) throw new InputError('--set fills parameters in, --keep-params keeps them as placeholders; use one or the other');
  for (const item of options.set ?? []) {
    const equals = item.indexOf('=');
    const name = equals === -1 ? item : item.slice(0, equals);
    // Without "=" the text may be a value given without its name (a secret in CI): only a parameter's own name is echoed.
    if (equals === -1) throw new InputError(values.has(item) ? `--set ${item}: write NAME=VALUE` : '--set takes NAME=VALUE, and one was given without "=" (not shown, in case it is a secret)');
    if (!values.has(name)) {
      const known = entry.parameters.length === 0 ? `template ${entry.name} has no parameters` : `template ${entry.name} takes ${entry.parameters.map((parameter) => parameter.name).join(', ')}`;
      throw new InputError(`--set ${name}: ${known}`);
    }
    values.set(name, item.slice(equals + 1));
  }
  return values;
}
