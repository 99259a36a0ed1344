// The lint configuration (.edgewise.yaml / .edgewise.json): per-rule severities and
// suppressions keyed by JSON Pointer, since plain JSON manifests cannot hold comments.
import type { Severity } from '../findings.js';

export type RuleSetting = Severity | 'off';

export interface Suppression {
  /** Glob of files, relative to the config file's folder. */
  file: string;
  /** JSON Pointer; it also covers everything below it. */
  pointer: string;
  rule: string;
  reason: string;
  /** Where the entry is written, to report it when it suppresses nothing. */
  source: { file: string; line: number; column: number };
}

export interface EdgewiseConfig {
  /** The config file, or undefined for the built-in defaults. */
  file?: string;
  rules: Record<string, RuleSetting>;
  suppressions: Suppression[];
}

export const DEFAULT_CONFIG: EdgewiseConfig = { rules: {}, suppressions: [] };
