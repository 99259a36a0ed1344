// Picks the formatter for --format, and decides whether colour is wanted.
import { formatGithub } from './github-format.js';
import { formatJson } from './json-format.js';
import { formatJunit } from './junit-format.js';
import type { ReportContext } from './report-context.js';
import { formatSarif } from './sarif-format.js';
import { formatStylish } from './stylish-format.js';

export const VALIDATE_FORMATS = ['stylish', 'json'] as const;
export const LINT_FORMATS = ['stylish', 'json', 'sarif', 'junit', 'github'] as const;
export type ReportFormat = (typeof LINT_FORMATS)[number];

export function renderReport(format: ReportFormat, context: ReportContext, color: boolean): string {
  switch (format) {
    case 'json':
      return formatJson(context.findings, context.files);
    case 'sarif':
      return formatSarif(context);
    case 'junit':
      return formatJunit(context);
    case 'github':
      return formatGithub(context);
    default:
      return formatStylish(context.findings, context.files, { color });
  }
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}
