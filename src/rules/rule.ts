// The shape every rule file exports. A rule is a pure function of the normalized manifest:
// it returns reports (message id + data + pointer), never text positions or output.
import type { Fix, Severity, Suggestion } from '../findings.js';

export type { Fix, FixEdit, Suggestion } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';

export interface RuleMeta {
  /** Stable id: part of the public contract (config, suppressions, SARIF). */
  id: string;
  defaultSeverity: Severity;
  description: string;
  fixable: boolean;
  docs: {
    /** Where the rule's facts come from (doc pages, source files), for its docs page. */
    sources: string[];
  };
  /** Message templates by id; `{{name}}` is replaced from the report's data. */
  messages: Record<string, string>;
}

export interface RuleReport {
  messageId: string;
  data?: Record<string, string | number>;
  pointer: string;
  /** Where the finding points: at the key (default for missing things) or at the value. */
  anchor?: 'key' | 'value';
  /** Offset in the decoded string at `pointer`, e.g. a column inside a route. */
  stringOffset?: number;
  /** For rules with mixed severities (error/warning): this report's severity. */
  severity?: Severity;
  fix?: Fix;
  suggestions?: Suggestion[];
}

export interface Rule {
  meta: RuleMeta;
  check(manifest: NormalizedManifest): RuleReport[];
}

export function formatMessage(template: string, data: Record<string, string | number> = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) => (key in data ? String(data[key]) : whole));
}
