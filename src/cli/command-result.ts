// What a command produces, kept apart from writing it so commands stay testable: the CLI
// adapters (commands/*.ts) return one, main.ts writes it. Exit codes follow ESLint: 0 clean,
// 1 findings (or a refused output), 2 usage or internal error.
export interface CommandResult {
  exitCode: number;
  /** Text for stdout. */
  stdout: string;
  /** Diagnostics about the run itself (not findings). */
  stderr: string;
  /** Reports written to files (--output); `modeOf`: the one input a new file takes its permissions from. */
  files: { path: string; text: string; modeOf?: string }[];
}

/** ESLint's contract: 1 when there are errors, or more warnings than allowed. */
export function exitCodeFor(errors: number, warnings: number, maxWarnings = Infinity): number {
  return errors > 0 || warnings > maxWarnings ? 1 : 0;
}
