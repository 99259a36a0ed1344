// What every findings formatter (validate, lint) receives: the findings plus the facts some formats need
// (rule metadata for SARIF, stable fingerprints, the base folder for relative paths).
import type { Finding } from '../findings.js';
import type { RuleMeta } from '../rules/rule.js';

export interface ReportContext {
  findings: readonly Finding[];
  /** How many files were checked (clean ones included). */
  files: number;
  /** Every file checked, so formats that list clean files (JUnit) can. */
  checkedFiles: readonly string[];
  rules: readonly RuleMeta[];
  /** Stable identity of a finding that does not depend on its line (rule, pointer, content). */
  fingerprint(finding: Finding): string;
  /** Folder that file paths are made relative to in SARIF. */
  baseFolder: string;
  toolVersion: string;
}
