// `edgewise gen TEMPLATE…`: iotedgedev's `solution genconfig` without Python or Docker.
// Reads each template, its variables and module.json files, generates the manifest, lints it,
// and returns it to write only if it has no errors. Diagnostics go to stderr, so that
// `--output -` leaves stdout holding nothing but the manifest.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { Finding } from '../findings.js';
import { InputError } from '../manifest/read-inputs.js';
import type { CommandResult } from '../report/command-result.js';
import { checkOutput } from '../lint/check-output.js';
import { formatFindingLines } from './output-refusal.js';
import { generateManifest } from './generate-manifest.js';
import { DEFAULT_PLATFORM } from './module-images.js';
import { generatedPath } from './output-name.js';
import { templateResolver } from './placeholder-resolver.js';
import { loadVariables, type Environment } from './variables.js';

/** Rule settings for generated manifests. */
export const GEN_RULES = { 'plaintext-secret': 'off' } as const;

export interface GenOptions {
  /** .env file to read; by default ./.env (or $DOTENV_FILE) when it exists. The real environment wins over it. */
  env?: string;
  /** Platform for ${MODULES.x} and the output name (default amd64). */
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

export async function runGen(templates: readonly string[], options: GenOptions = {}): Promise<CommandResult> {
  if (templates.length === 0) throw new InputError('name at least one template, e.g. edgewise gen deployment.template.json');
  if (options.output !== undefined && templates.length > 1) throw new InputError('--output takes a single template; without it each template goes to config/<name>.<platform>.json');
  const cwd = options.cwd ?? '.';
  const at = (path: string): string => (isAbsolute(path) ? path : join(cwd, path));
  const environment = options.environment ?? process.env;
  const variables = loadVariables(environment, cwd, options.env);
  const platform = options.platform ?? DEFAULT_PLATFORM;
  if (!/^[A-Za-z0-9._-]+$/.test(platform)) throw new InputError(`--platform "${platform}" is not a platform name such as amd64, arm32v7 or arm64v8`);
  const configDir = options.configDir ?? variables.get('CONFIG_OUTPUT_DIR') ?? 'config';

  const result: CommandResult = { exitCode: 0, stdout: '', stderr: variables.warnings.map((line) => `edgewise: warning: ${line}\n`).join(''), files: [] };
  for (const template of templates) {
    const path = at(template);
    if (!existsSync(path)) throw new InputError(`${template}: no such template; check the path`);
    const text = readFileSync(path, 'utf8');
    const modulesDir = options.modulesDir !== undefined ? at(options.modulesDir) : join(dirname(path), variables.get('MODULES_PATH') ?? 'modules');
    const resolver = templateResolver({ variables, templateFile: path, modulesDir, platform, readFile: (file) => (existsSync(file) ? readFileSync(file, 'utf8') : undefined) });
    const generated = await generateManifest({ file: template, text }, { resolve: resolver.resolve, allowUnresolved: options.allowUnresolved });
    const output = options.output ?? generatedPath(template, platform, configDir);
    const shown = output === '-' ? '<stdout>' : output;
    const templateFindings = [...generated.findings, ...resolver.moduleFindings().map((finding) => (options.allowUnresolved ? { ...finding, severity: 'warning' as const } : finding))];
    if (generated.text === undefined) {
      result.exitCode = 1;
      result.stderr += `edgewise: ${shown} was not generated from ${template}:\n${formatFindingLines(templateFindings)}`;
      continue;
    }
    // Filling secrets in is gen's job (the plaintext-secret rule recommends it), so that rule is off here.
    const rules = { ...GEN_RULES, ...(options.allowUnresolved ? { 'unresolved-placeholder': 'warning' as const } : {}) };
    const check = await checkOutput(shown, generated.text, { flavour: 'manifest', rules });
    // Placed in the template, where they are fixed, at the key or the value as in the output.
    const anchorOf = await outputAnchors(generated.text);
    const placed: Finding[] = [];
    for (const finding of check.findings) placed.push({ ...finding, file: template, ...(await generated.locate(finding.pointer, anchorOf(finding))) });
    if (!check.ok) {
      result.exitCode = 1;
      const errors = placed.filter((finding) => finding.severity === 'error');
      result.stderr += `edgewise: ${shown} was not written: the manifest generated from ${template} has ${errors.length} error${errors.length === 1 ? '' : 's'} (placed in the template)\n${formatFindingLines([...templateFindings, ...placed], 'error')}`;
      continue;
    }
    if (output === '-') result.stdout += generated.text;
    else result.files.push({ path: at(output), text: generated.text });
    result.stderr += `edgewise: generated ${shown} from ${template} (platform ${platform})\n${formatFindingLines([...templateFindings, ...placed])}`;
  }
  return result;
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
