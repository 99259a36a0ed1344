// Reads and checks a config file. Mistakes in it are usage errors (exit 2) that name the
// file, line and column, like any other input.
import { appendPointer } from '../manifest/json-pointer.js';
import { readRegularFile } from '../manifest/bounded-read.js';
import { MAX_FILE_BYTES } from '../manifest/read-inputs.js';
import { parseSource } from '../manifest/parse-source.js';
import { LineIndex } from '../manifest/line-index.js';
import { InputError } from '../errors.js';
import { isPlainObject } from '../manifest/manifest-shape.js';
import type { EdgewiseConfig, RuleSetting, Suppression } from './edgewise-config.js';

/** The config file cannot be used; the message names file:line:column when the text is at fault. */
export class ConfigError extends InputError {
  override name = 'ConfigError';

  constructor(message: string) {
    super(message, 'config');
  }
}

const SETTINGS: readonly RuleSetting[] = ['off', 'info', 'warning', 'error'];
const SUPPRESSION_KEYS = ['file', 'pointer', 'rule', 'reason'] as const;

export async function loadConfig(file: string, knownRules: ReadonlySet<string>): Promise<EdgewiseConfig> {
  // A FIFO or device given as --config must not block or fill memory: read as a manifest is.
  const read = readRegularFile(file, MAX_FILE_BYTES);
  if (!read.ok) throw new ConfigError(`${file}: cannot use it as the config file: ${read.message}`);
  const text = read.text;
  const parsed = await parseSource({ file, text });
  if (!parsed.ok) {
    const at = new LineIndex(text).locate(parsed.finding.offset ?? 0);
    throw new ConfigError(`${file}:${at.line}:${at.column}: ${parsed.finding.message}`);
  }
  const tree = await parsed.source.tree();
  const lines = new LineIndex(text);
  const fail = (pointer: string, message: string): never => {
    const location = tree.locate(pointer);
    const at = lines.locate(location.keyOffset ?? location.valueOffset);
    throw new ConfigError(`${file}:${at.line}:${at.column}: ${message}`);
  };
  const root = parsed.source.value ?? {};
  if (!isPlainObject(root)) fail('', 'the config must be a mapping with `rules` and/or `suppressions`');
  const config = root as Record<string, unknown>;
  for (const key of Object.keys(config)) if (key !== 'rules' && key !== 'suppressions') fail(`/${key}`, `unknown config key \`${key}\`; use \`rules\` or \`suppressions\``);

  const rules: Record<string, RuleSetting> = {};
  if (config.rules !== undefined) {
    if (!isPlainObject(config.rules)) fail('/rules', '`rules` must map rule ids to off, info, warning or error');
    for (const [rule, setting] of Object.entries(config.rules as Record<string, unknown>)) {
      const pointer = appendPointer('/rules', rule);
      if (!knownRules.has(rule)) fail(pointer, `unknown rule \`${rule}\`; run \`edgewise rules\` to list them`);
      if (!SETTINGS.includes(setting as RuleSetting)) fail(pointer, `rule \`${rule}\` must be set to off, info, warning or error (got ${JSON.stringify(setting)})`);
      rules[rule] = setting as RuleSetting;
    }
  }

  const suppressions: Suppression[] = [];
  if (config.suppressions !== undefined) {
    if (!Array.isArray(config.suppressions)) fail('/suppressions', '`suppressions` must be a list of {file, pointer, rule, reason}');
    (config.suppressions as unknown[]).forEach((entry, index) => {
      const pointer = `/suppressions/${index}`;
      if (!isPlainObject(entry)) fail(pointer, 'each suppression must be a mapping with file, pointer, rule and reason');
      const record = entry as Record<string, unknown>;
      for (const key of SUPPRESSION_KEYS) {
        if (typeof record[key] !== 'string' || (record[key] as string).trim() === '') {
          fail(pointer, key === 'reason' ? 'a suppression needs a `reason`: say why the finding is acceptable' : `a suppression needs a \`${key}\` string`);
        }
      }
      if (!knownRules.has(record.rule as string)) fail(`${pointer}/rule`, `unknown rule \`${String(record.rule)}\`; run \`edgewise rules\` to list them`);
      if (record.pointer !== '' && !String(record.pointer).startsWith('/')) fail(`${pointer}/pointer`, '`pointer` must be a JSON Pointer starting with "/"');
      const location = tree.locate(pointer);
      const at = lines.locate(location.valueOffset);
      suppressions.push({ file: record.file as string, pointer: record.pointer as string, rule: record.rule as string, reason: record.reason as string, source: { file, ...at } });
    });
  }
  return { file, rules, suppressions };
}
