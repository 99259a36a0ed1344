// `edgewise gen [TEMPLATE…]`: iotedgedev's `solution genconfig` without Python or Docker.
// Reads each template, its variables and module.json files, generates the manifest and lints
// it; a manifest with lint errors is returned as refused, to be left unwritten. As in iotedgedev's genconfig
// (cli.py: `--file` defaults to DEPLOYMENT_CONFIG_TEMPLATE_FILE, `--platform` to
// DEFAULT_PLATFORM, both read from the environment and .env; constants.py gives the defaults
// deployment.template.json and amd64), the template and platform may come from .env.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Finding } from '../findings.js';
import { readInput } from '../manifest/read-inputs.js';
import { InputError } from '../errors.js';
import { checkOutput, type WriteRefusal } from '../lint/write-gate.js';
import { maskFinding } from '../manifest/mask-finding.js';
import { filledSecrets } from './filled-secrets.js';
import { generateManifest } from './generate-manifest.js';
import { DEFAULT_PLATFORM } from './module-images.js';
import { generatedPath } from './output-name.js';
import { templateResolver } from './placeholder-resolver.js';
import { loadVariables, type Environment, type Variables } from './variables.js';

/** iotedgedev's default for DEPLOYMENT_CONFIG_TEMPLATE_FILE (constants.py). */
export const DEFAULT_TEMPLATE_FILE = 'deployment.template.json';

/** Rule settings for generated manifests. */
export const GEN_RULES = { 'plaintext-secret': 'off' } as const;

export interface GenOptions {
  /** .env file to read; by default ./.env (or $DOTENV_FILE) when it exists. The real environment wins over it. */
  env?: string;
  /** Platform for ${MODULES.x} and the output name (default: DEFAULT_PLATFORM from the environment or .env, else amd64). */
  platform?: string;
  /** Output file, or "-" for stdout; only with a single template. Default: <config dir>/<name>.<platform>.json. */
  output?: string;
  /** Folder for generated manifests (default: $CONFIG_OUTPUT_DIR, else "config"). */
  configDir?: string;
  /** Folder holding one folder per module (default: <template folder>/$MODULES_PATH, else <template folder>/modules). */
  modulesDir?: string;
  /** Keep unresolved placeholders, reported as warnings, instead of refusing to write. */
  allowUnresolved?: boolean;
  /** Base folder for relative paths (default: the process's). */
  cwd?: string;
  /** Variables (default: process.env). */
  environment?: Environment;
}

/** What gen made of one template. */
export type GeneratedOutput = {
  template: string;
  /** The output as named: a file, or "-" for stdout. */
  output: string;
  /** Where to write it (`cwd` joined to a relative output); undefined for stdout. */
  path?: string;
  /**
   * Findings about the template (placeholders, module.json files), then those of the generated
   * manifest, placed in the template. Values gen filled in are masked in their messages.
   */
  findings: Finding[];
} & (
  | { status: 'generated'; text: string }
  /** A placeholder could not be resolved (or the template not read): there is no manifest. */
  | { status: 'not-generated' }
  /** The manifest lints with errors: it must not be written. */
  | { status: 'refused'; refusal: WriteRefusal }
);

export interface GenRun {
  /** About the variables (a .env line that could not be read…). */
  warnings: string[];
  platform: string;
  /** The platform is DEFAULT_PLATFORM from the environment or .env (no --platform). */
  platformFromSetting: boolean;
  outputs: GeneratedOutput[];
}

/**
 * @param templates the templates to generate from; none means DEPLOYMENT_CONFIG_TEMPLATE_FILE
 *   (environment, then .env), else deployment.template.json, as iotedgedev does.
 */
export async function generateFromTemplates(templates: readonly string[], options: GenOptions = {}): Promise<GenRun> {
  if (options.output !== undefined && templates.length > 1) throw new InputError('--output takes a single template; without it each template goes to config/<name>.<platform>.json');
  const cwd = options.cwd ?? '.';
  const at = (path: string): string => (isAbsolute(path) ? path : join(cwd, path));
  const environment = options.environment ?? process.env;
  const variables = loadVariables(environment, cwd, options.env);
  const platformSetting = variables.setting('DEFAULT_PLATFORM');
  const platform = options.platform ?? platformSetting ?? DEFAULT_PLATFORM;
  if (!/^[A-Za-z0-9._-]+$/.test(platform)) {
    const named = options.platform !== undefined ? '--platform' : `DEFAULT_PLATFORM${variables.envFile ? ` (${variables.envFile} or the environment)` : ''}`;
    throw new InputError(`${named} "${platform}" is not a platform name such as amd64, arm32v7 or arm64v8`);
  }
  const configDir = options.configDir ?? variables.setting('CONFIG_OUTPUT_DIR') ?? 'config';
  const names = templates.length > 0 ? templates : [defaultTemplateOf(variables, cwd)];

  const run: GenRun = { warnings: [...variables.warnings], platform, platformFromSetting: options.platform === undefined && platformSetting !== undefined, outputs: [] };
  for (const template of names) {
    const path = at(template);
    if (!existsSync(path)) throw new InputError(`${template}: no such template; check the path`);
    const text = readTemplateFile(path, template);
    const modulesDir = options.modulesDir !== undefined ? at(options.modulesDir) : join(dirname(path), variables.setting('MODULES_PATH') ?? 'modules');
    const resolver = templateResolver({ variables, templateFile: path, modulesDir, platform, readFile: (file) => (existsSync(file) ? readTemplateFile(file, file) : undefined) });
    const generated = await generateManifest({ file: template, text }, { resolve: resolver.resolve, allowUnresolved: options.allowUnresolved });
    const output = options.output ?? generatedPath(template, platform, configDir);
    const where = { template, output, ...(output === '-' ? {} : { path: at(output) }) };
    const templateFindings = [...generated.findings, ...resolver.moduleFindings().map((finding) => (options.allowUnresolved ? { ...finding, severity: 'warning' as const } : finding))];
    // Every finding may quote a value gen filled in.
    const secrets = await filledSecrets({ file: template, text }, variables, generated.text);
    const maskedTemplateFindings = templateFindings.map((finding) => maskFinding(finding, secrets));
    if (generated.text === undefined) {
      run.outputs.push({ ...where, status: 'not-generated', findings: maskedTemplateFindings });
      continue;
    }
    // Filling secrets in is gen's job (the plaintext-secret rule recommends it), so that rule is off here.
    const rules = { ...GEN_RULES, ...(options.allowUnresolved ? { 'unresolved-placeholder': 'warning' as const } : {}) };
    const check = await checkOutput(output === '-' ? '<stdout>' : output, generated.text, { flavour: 'manifest', rules, secrets });
    // Placed in the template, where they are fixed, at the key or the value as in the output.
    const anchorOf = await outputAnchors(generated.text);
    const placed: Finding[] = [];
    for (const finding of check.findings) placed.push({ ...finding, file: template, ...(await generated.locate(finding.pointer, anchorOf(finding))) });
    const findings = [...maskedTemplateFindings, ...placed];
    if (check.ok) {
      run.outputs.push({ ...where, status: 'generated', text: generated.text, findings });
      continue;
    }
    const refusal: WriteRefusal = { command: 'gen', target: output === '-' ? 'stdout' : output, subject: `the manifest generated from ${template}`, positions: 'template', errors: check.errors, findings };
    run.outputs.push({ ...where, status: 'refused', refusal, findings });
  }
  return run;
}

/** A template or module.json, through the loader's guarded read (regular files only, size limit). */
function readTemplateFile(path: string, shown: string): string {
  const read = readInput({ file: path, explicit: true });
  if (!read.ok) throw new InputError(`${shown}: ${read.message}`);
  return read.text;
}

/** The template gen takes when none is named: DEPLOYMENT_CONFIG_TEMPLATE_FILE, else iotedgedev's default. */
function defaultTemplateOf(variables: Variables, cwd: string): string {
  const named = variables.setting('DEPLOYMENT_CONFIG_TEMPLATE_FILE');
  const template = named ?? DEFAULT_TEMPLATE_FILE;
  if (existsSync(isAbsolute(template) ? template : join(cwd, template))) return template;
  const why = named !== undefined ? `DEPLOYMENT_CONFIG_TEMPLATE_FILE${variables.envFile ? ` (${variables.envFile} or the environment)` : ''} names ${template}` : `without DEPLOYMENT_CONFIG_TEMPLATE_FILE gen looks for ${template}`;
  throw new InputError(`no template given, and ${why}, which does not exist; name one, e.g. edgewise gen deployment.template.json`);
}

/** Whether a finding on the generated text sits on its node's key or in its value. */
async function outputAnchors(text: string): Promise<(finding: Finding) => 'key' | 'value'> {
  const { parseJsonTree } = await import('../manifest/json-source.js');
  const parsed = parseJsonTree(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  return (finding) => {
    if (!parsed.ok) return 'value';
    const location = parsed.tree.locate(finding.pointer);
    const offset = (lineStarts[finding.line - 1] ?? 0) + finding.column - 1;
    return location.exact && location.keyOffset === offset ? 'key' : 'value';
  };
}
