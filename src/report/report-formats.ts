// Format names and the colour decision: kept apart from the formatters so that the CLI can
// declare its options without loading any of them.

export const VALIDATE_FORMATS = ['stylish', 'json'] as const;
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github'] as const;
export type ReportFormat = (typeof LINT_FORMATS)[number];

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
