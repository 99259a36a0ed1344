// A finding is plain data: rules and validators return them, only src/report/ renders them.

export type Severity = 'error' | 'warning' | 'info';

/** An edit in the normalized manifest; edits under createOptions rewrite its chunks. */
export type FixEdit = { op: 'set'; pointer: string; value: unknown } | { op: 'remove'; pointer: string };

export interface Fix {
  edits: FixEdit[];
}

/** A fix that has to choose between reasonable values (ESLint's suggestions): shown, never applied by --fix. */
export interface Suggestion {
  description: string;
  fix: Fix;
}

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

/** What --fix changed in one value (JSON text, secrets masked). */
export interface FixChange {
  /** The edited place; for an append, the array's pointer followed by /-. */
  pointer: string;
  /** JSON text of the value before; undefined when it was absent (a new key, an appended entry). */
  before?: string;
  /** JSON text of the value after; undefined when it was removed. */
  after?: string;
}

export interface AppliedFix {
  ruleId: string;
  /** Where the finding was, in the text the fix was applied to. */
  line: number;
  column: number;
  changes: FixChange[];
}

/** What --fix did, or --fix-dry-run would do, to one file. */
export interface FixedFile {
  file: string;
  /** Findings whose fix was applied. */
  count: number;
  written: boolean;
  applied: AppliedFix[];
  /** For a dry run: the text before and after fixing, secrets masked, for a diff. */
  preview?: { before: string; after: string };
  /** Why the remaining fixes could not be written into the text (a YAML alias on the path, a duplicate key): they are left undone. */
  unfixable?: string;
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

/**
 * What a check reports: a message id and its data, at a pointer. Its rule's template makes it a
 * message; the loader places it in the text.
 */
export interface Report {
  messageId: string;
  data?: Record<string, string | number>;
  pointer: string;
  /** Where the finding points: at the key (default for missing things) or at the value. */
  anchor?: 'key' | 'value';
  /** An exact offset in the text, when the producer knows it (parse failures, duplicate keys). */
  offset?: number;
  /** Offset in the decoded string at `pointer`, e.g. a column inside a route. */
  stringOffset?: number;
  /** Other places the message refers to, each named by one of the rule's messages; their positions are appended. */
  related?: { offset: number; messageId: string }[];
  /** For rules with mixed severities (error/warning): this report's severity. */
  severity?: Severity;
  fix?: Fix;
  suggestions?: Suggestion[];
}

/**
 * A problem that loading found (the text does not parse, a key appears twice, createOptions do
 * not join, the schema refuses a value), handed over as data to the rule `ruleId`, which reports
 * it through its check in the words of its messages.
 */
export interface LoadProblem extends Report {
  ruleId: string;
}
