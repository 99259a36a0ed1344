// The shape every rule file exports. A rule is a pure function of the normalized manifest and of
// what loading found: it returns reports (message id + data + pointer), never text positions or
// output. Its messages are the only place its words live.
import type { LoadProblem, PendingFinding, Report, Severity } from '../findings.js';

export type { Fix, FixEdit, Suggestion } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';

export interface RuleMeta {
  /** Stable id: part of the public contract (config, suppressions, SARIF). */
  id: string;
  /** The severity of its findings; for an opt-in rule, the one to turn it on with. */
  defaultSeverity: Severity;
  /**
   * Off unless the config gives it a severity (`rules: { <id>: info }` in .edgewise.yaml), as
   * ESLint's rules outside its recommended set: advice every file of a fleet would repeat.
   */
  optIn?: true;
  description: string;
  fixable: boolean;
  docs: {
    /** Where the rule's facts come from (doc pages, source files), for its docs page. */
    sources: string[];
  };
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Record<string, string>;
}

export type RuleReport = Report;
export type { LoadProblem };

/** What lint gives the rules besides the manifest: what loading found, in the order found. */
export interface LoadResults {
  problems: readonly LoadProblem[];
  /**
   * Suppressions of a config file that matched no finding in the whole run: given only when the
   * lint runner, which sees every file a config applies to, checks the config itself.
   */
  unusedSuppressions?: readonly UnusedSuppression[];
}

export interface UnusedSuppression {
  /** Its index in the config's `suppressions`. */
  index: number;
  rule: string;
  pointer: string;
  /** Its file glob. */
  file: string;
}

const NOTHING_LOADED: LoadResults = { problems: [] };

export interface Rule {
  meta: RuleMeta;
  /** `loaded` may be left out where loading found nothing (a rule checked on its own, in tests). */
  check(manifest: NormalizedManifest, loaded?: LoadResults): RuleReport[];
}

/** What loading found for the rule `ruleId`, as its reports. */
export function loadedReports(loaded: LoadResults | undefined, ruleId: string): RuleReport[] {
  return (loaded ?? NOTHING_LOADED).problems.filter((problem) => problem.ruleId === ruleId);
}

/**
 * A rule's reports: what loading found for it first, then those of its own check that are not
 * at a place loading already reported for it (a placeholder that breaks the schema is one
 * finding, not two).
 */
export function withLoadedReports(loaded: LoadResults | undefined, ruleId: string, own: RuleReport[]): RuleReport[] {
  const found = loadedReports(loaded, ruleId);
  if (found.length === 0) return own;
  const places = new Set(found.map((report) => report.pointer));
  return [...found, ...own.filter((report) => !places.has(report.pointer))];
}

/** A report in its rule's words, not yet placed: the message, and the words for each related place. */
export function pendingFinding(rule: Rule, report: RuleReport, severity: Severity): PendingFinding {
  const { pointer, anchor, offset, stringOffset, related } = report;
  return {
    ruleId: rule.meta.id,
    severity,
    message: formatMessage(templateOf(rule, report.messageId), report.data),
    pointer,
    anchor,
    offset,
    stringOffset,
    ...(related ? { related: related.map((entry) => ({ offset: entry.offset, message: formatMessage(templateOf(rule, entry.messageId)) })) } : {}),
  };
}

function templateOf(rule: Rule, messageId: string): string {
  const template = rule.meta.messages[messageId];
  if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${messageId}`);
  return template;
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
