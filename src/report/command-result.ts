// What a command produces, kept apart from writing it so commands stay testable.
export interface CommandResult {
  exitCode: number;
  /** Text for stdout. */
  stdout: string;
  /** Diagnostics about the run itself (not findings). */
  stderr: string;
  /** Reports written to files (--output). */
  files: { path: string; text: string }[];
}

/** ESLint's contract: 1 when there are errors, or more warnings than allowed. */
export function exitCodeFor(errors: number, warnings: number, maxWarnings = Infinity): number {
  return errors > 0 || warnings > maxWarnings ? 1 : 0;
}
