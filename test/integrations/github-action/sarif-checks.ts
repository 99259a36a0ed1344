// What a SARIF file must be for GitHub code scanning to take it: valid against the SARIF 2.1.0
// JSON Schema (OASIS, a copy in test/fixtures/sarif, see its SOURCES.md), and within the limits
// and required properties code scanning documents:
// https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support
// ("File compatibility": 10 MB gzip-compressed, runs/results/rules/locations/tags per run or result;
// "Supported properties": what is required, the 255 and 1024 character limits, no empty strings).
// No edgewise code here: the checks stand on their own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import ajvDraft04 from 'ajv-draft-04';
import type { ErrorObject, ValidateFunction } from 'ajv';

const SCHEMA_FILE = join(import.meta.dirname, '..', '..', 'fixtures', 'sarif', 'sarif-schema-2.1.0.json');

export const CODE_SCANNING_LIMITS = {
  gzipBytes: 10 * 1024 * 1024,
  runsPerFile: 20,
  resultsPerRun: 25_000,
  rulesPerRun: 25_000,
  extensionsPerRun: 100,
  /** The result table says "up to a maximum of 10"; the limits table rejects above 1,000. */
  locationsPerResult: 10,
  tagsPerRule: 20,
  ruleName: 255,
  ruleDescription: 1024,
} as const;

// The schema's formats (uri, uri-reference, date-time) checked by the characters RFC 3986 allows
// and RFC 3339's date-time grammar, rather than skipped: a path with a space is not a URI.
const URI_CHAR = String.raw`(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/?#\[\]]|%[0-9A-Fa-f]{2})`;
const URI = new RegExp(`^[A-Za-z][A-Za-z0-9+.-]*:${URI_CHAR}*$`);
const URI_REFERENCE = new RegExp(`^${URI_CHAR}*$`);
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[Zz]|[+-]\d{2}:\d{2})$/;

// A CommonJS module: its class is module.exports, also exported as `default` (the typed way in).
const Ajv04 = ajvDraft04.default;
let validator: ValidateFunction | undefined;

function sarifValidator(): ValidateFunction {
  if (validator) return validator;
  // The schema declares draft-04 ("$schema": ".../draft-04/schema#", "id"), hence ajv-draft-04.
  const ajv = new Ajv04({ allErrors: true, strict: false });
  ajv.addFormat('uri', URI);
  ajv.addFormat('uri-reference', URI_REFERENCE);
  ajv.addFormat('date-time', DATE_TIME);
  const compiled = ajv.compile(JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as object);
  validator = compiled;
  return compiled;
}

/** The schema's complaints, one line each; empty when the log is valid SARIF 2.1.0. */
export function schemaErrors(log: unknown): string[] {
  const validate = sarifValidator();
  if (validate(log)) return [];
  return (validate.errors ?? []).slice(0, 20).map((error: ErrorObject) => `${error.instancePath || '/'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
}

interface Text {
  text?: string;
}

interface Rule {
  id?: string;
  name?: string;
  shortDescription?: Text;
  fullDescription?: Text;
  help?: Text;
  helpUri?: string;
  properties?: { tags?: unknown[] };
}

interface Result {
  ruleId?: string;
  ruleIndex?: number;
  message?: Text;
  locations?: { physicalLocation?: { artifactLocation?: { uri?: string }; region?: { startLine?: number; startColumn?: number } } }[];
  partialFingerprints?: Record<string, unknown>;
}

interface Run {
  tool?: { driver?: { name?: string; rules?: Rule[] }; extensions?: unknown[] };
  results?: Result[];
}

export interface SarifLog {
  $schema?: string;
  version?: string;
  runs?: Run[];
}

function longerThan(text: string | undefined, limit: number): boolean {
  return text !== undefined && [...text].length > limit;
}

function ruleProblems(rule: Rule, where: string): string[] {
  const problems: string[] = [];
  const { ruleName, ruleDescription, tagsPerRule } = CODE_SCANNING_LIMITS;
  if (!rule.id) problems.push(`${where}: no id`);
  if (longerThan(rule.name, ruleName)) problems.push(`${where}: name longer than ${ruleName}`);
  for (const key of ['shortDescription', 'fullDescription'] as const) {
    if (!rule[key]?.text) problems.push(`${where}: no ${key}.text`);
    if (longerThan(rule[key]?.text, ruleDescription)) problems.push(`${where}: ${key}.text longer than ${ruleDescription}`);
  }
  if (!rule.help?.text) problems.push(`${where}: no help.text`);
  if (!rule.helpUri) problems.push(`${where}: no helpUri`);
  if ((rule.properties?.tags?.length ?? 0) > tagsPerRule) problems.push(`${where}: more than ${tagsPerRule} tags`);
  return problems;
}

function resultProblems(result: Result, rules: readonly Rule[], where: string): string[] {
  const problems: string[] = [];
  const ruleAt = result.ruleIndex === undefined ? undefined : rules[result.ruleIndex];
  if (!result.ruleId || !rules.some((rule) => rule.id === result.ruleId)) problems.push(`${where}: ruleId ${result.ruleId} is not among the run's rules`);
  if (result.ruleIndex !== undefined && ruleAt?.id !== result.ruleId) problems.push(`${where}: ruleIndex ${result.ruleIndex} is not rule ${result.ruleId}`);
  if (!result.message?.text) problems.push(`${where}: no message.text`);
  const locations = result.locations ?? [];
  if (locations.length === 0 || locations.length > CODE_SCANNING_LIMITS.locationsPerResult) problems.push(`${where}: ${locations.length} locations`);
  const primary = locations[0]?.physicalLocation;
  if (!primary?.artifactLocation?.uri) problems.push(`${where}: no artifactLocation.uri`);
  if (!(primary?.region?.startLine && primary.region.startLine >= 1)) problems.push(`${where}: no region.startLine`);
  if (!(primary?.region?.startColumn && primary.region.startColumn >= 1)) problems.push(`${where}: no region.startColumn`);
  const fingerprints = Object.values(result.partialFingerprints ?? {});
  if (fingerprints.length === 0 || fingerprints.some((value) => typeof value !== 'string' || value === '')) problems.push(`${where}: no partialFingerprints`);
  return problems;
}

/** Where the log breaks code scanning's documented limits or leaves a required property out. */
export function codeScanningProblems(text: string): string[] {
  const log = JSON.parse(text) as SarifLog;
  const limits = CODE_SCANNING_LIMITS;
  const problems: string[] = [];
  if (gzipSync(text).length > limits.gzipBytes) problems.push('larger than 10 MB gzip-compressed');
  if (!log.$schema) problems.push('no $schema');
  if (log.version !== '2.1.0') problems.push(`version ${log.version}`);
  const runs = log.runs ?? [];
  if (runs.length === 0 || runs.length > limits.runsPerFile) problems.push(`${runs.length} runs`);
  runs.forEach((run, runIndex) => {
    const rules = run.tool?.driver?.rules ?? [];
    const results = run.results ?? [];
    if (!run.tool?.driver?.name) problems.push(`run ${runIndex}: no tool.driver.name`);
    if (results.length > limits.resultsPerRun) problems.push(`run ${runIndex}: ${results.length} results`);
    if (rules.length > limits.rulesPerRun) problems.push(`run ${runIndex}: ${rules.length} rules`);
    if ((run.tool?.extensions?.length ?? 0) > limits.extensionsPerRun) problems.push(`run ${runIndex}: too many extensions`);
    rules.forEach((rule, index) => problems.push(...ruleProblems(rule, `run ${runIndex} rule ${rule.id ?? index}`)));
    results.forEach((result, index) => problems.push(...resultProblems(result, rules, `run ${runIndex} result ${index}`)));
  });
  return problems.slice(0, 20);
}
