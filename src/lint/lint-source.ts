// lint = load (as validate does), then every rule's check over the manifest and what loading
// found, with config severities; the findings the caller shows are placed and masked once (the
// others cost no positions, words or masking). Pure apart from the lazy imports that loading
// uses: no file system, no output.
import type { EdgewiseConfig, RuleSetting } from '../config/edgewise-config.js';
import type { Finding, Severity } from '../findings.js';
import { normalizeManifest, type NormalizedManifest } from '../manifest/normalize-manifest.js';
import type { ParsedSource, SourceText } from '../manifest/parse-source.js';
import { isStackOverflow } from '../manifest/nesting-depth.js';
import { maskSecrets } from '../manifest/secrets.js';
import type { Fix, Rule, RuleReport } from '../rules/rule.js';
import { loadSource, tooDeepLoad, type LoadedSource } from '../validate/load-source.js';
import { byPosition, placeReports, type RuleReportEntry } from '../validate/place-reports.js';
import type { ValidateOptions } from '../validate/validate-source.js';

export interface LintFinding extends Finding {
  fix?: Fix;
  /** Which of the rule's messages this is (for tests; not part of the report formats). */
  messageId?: string;
}

export interface LintedSource {
  findings: LintFinding[];
  /** Undefined when the file did not parse. */
  manifest?: NormalizedManifest;
  /** The text and its positions the manifest was read from (its format, for --fix). */
  source?: ParsedSource;
}

/** What is known of a finding before it is placed: enough to decide whether it is shown. */
export interface FindingCandidate {
  ruleId: string;
  severity: Severity;
  pointer: string;
}

export interface LintOptions extends ValidateOptions {
  rules: readonly Rule[];
  config: Pick<EdgewiseConfig, 'rules'>;
  /** Whether a finding will be shown (--quiet, suppressions); the others are dropped before placing. Default: all are. */
  shown?: (finding: FindingCandidate) => boolean;
}

/** The config's setting for a rule; an opt-in rule (storage-permissions) is off unless the config names it. */
function settingFor(rule: Rule, config: LintOptions['config']): RuleSetting | undefined {
  return config.rules[rule.meta.id] ?? (rule.meta.optIn ? 'off' : undefined);
}

export async function lintSource(input: SourceText, options: LintOptions): Promise<LintedSource> {
  try {
    return await lintLoaded(await loadSource(input, options), options);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return lintLoaded(tooDeepLoad(input), options);
  }
}

async function lintLoaded(load: LoadedSource, options: LintOptions): Promise<LintedSource> {
  const { manifest, source, loaded } = load;
  // A document that is no manifest (it did not parse, or holds no modulesContent) is reported on
  // only by the rules loading found something for: parse, duplicate-key, schema.
  const owners = manifest && manifest.located.shape !== 'not-a-manifest' ? undefined : new Set(loaded.problems.map((problem) => problem.ruleId));
  const model = manifest ?? (await normalizeManifest(undefined));
  const fromLoading: (RuleReportEntry & { order: number })[] = [];
  const own: RuleReportEntry[] = [];
  const order = new Map<RuleReport, number>(loaded.problems.map((problem, index) => [problem, index]));
  for (const rule of options.rules) {
    const setting = settingFor(rule, options.config);
    if (setting === 'off' || (owners && !owners.has(rule.meta.id))) continue;
    for (const report of rule.check(model, loaded)) {
      const entry = { rule, report, severity: setting ?? report.severity ?? rule.meta.defaultSeverity };
      const found = order.get(report);
      if (found === undefined) own.push(entry);
      else fromLoading.push({ ...entry, order: found });
    }
  }
  // What loading found comes first, in the order found, then the checks' own findings: the
  // order findings on one line and column keep.
  fromLoading.sort((a, b) => a.order - b.order);
  const found: RuleReportEntry[] = [...fromLoading, ...own];
  // Dropping before the sort by position keeps the same order: the sort is stable.
  const { shown } = options;
  const entries = shown ? found.filter(({ rule, report, severity }) => shown({ ruleId: rule.meta.id, severity, pointer: report.pointer })) : found;
  const { findings, secrets } = await placeReports(load, entries);
  const linted: LintFinding[] = findings;
  linted.forEach((finding, index) => {
    const { report } = entries[index]!;
    finding.messageId = report.messageId;
    if (report.fix) finding.fix = report.fix;
    // Suggestions reach every report format, so their text is masked like the message.
    if (report.suggestions && report.suggestions.length > 0) finding.suggestions = report.suggestions.map((suggestion) => maskStrings(suggestion, secrets));
  });
  return { findings: linted.sort(byPosition), manifest, source };
}

function maskStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((entry) => maskStrings(entry, secrets)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskStrings(entry, secrets)])) as T;
  return value;
}
