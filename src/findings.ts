// A finding is plain data: rules and validators return them, only src/report/ renders them.
import type { Suggestion } from './rules/rule.js';

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  file: string;
  ruleId: string;
  severity: Severity;
  message: string;
  /** RFC 6901 JSON Pointer into the (normalized) document; '' for the whole file. */
  pointer: string;
  line: number;
  column: number;
  /** Fixes that choose between reasonable values: shown in reports, never applied by --fix. */
  suggestions?: Suggestion[];
}

export interface Summary {
  files: number;
  errors: number;
  warnings: number;
  infos: number;
}

export function summarize(fileCount: number, findings: readonly Finding[]): Summary {
  const summary: Summary = { files: fileCount, errors: 0, warnings: 0, infos: 0 };
  for (const finding of findings) {
    if (finding.severity === 'error') summary.errors++;
    else if (finding.severity === 'warning') summary.warnings++;
    else summary.infos++;
  }
  return summary;
}

/** A finding before it is placed in a file: rules and validators produce these. */
export interface PendingFinding {
  ruleId: string;
  severity: Severity;
  message: string;
  pointer: string;
  /** Where in the node the position should land: the key (default for missing/unknown) or the value. */
  anchor?: 'key' | 'value';
  /** An exact text offset, when the producer already knows it (parse errors, duplicate keys). */
  offset?: number;
  /** An offset inside the decoded string value at `pointer` (errors inside an embedded JSON string). */
  stringOffset?: number;
  /** Other places the message refers to; their positions are appended to the message. */
  related?: { offset: number; message: string }[];
}
