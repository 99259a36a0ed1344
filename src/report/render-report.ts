// Picks the formatter for --format, and decides whether colour is wanted.
import type { Finding } from '../findings.js';
import { formatJson } from './json-format.js';
import { formatStylish } from './stylish-format.js';

export const VALIDATE_FORMATS = ['stylish', 'json'] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];

export function renderReport(format: ValidateFormat, findings: readonly Finding[], files: number, color: boolean): string {
  return format === 'json' ? formatJson(findings, files) : formatStylish(findings, files, { color });
}

/** Colour only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function wantsColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return Boolean(stream.isTTY) && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** ESLint's contract: 0 clean, 1 when there are errors. */
export function exitCodeFor(findings: readonly Finding[]): number {
  return findings.some((finding) => finding.severity === 'error') ? 1 : 0;
}
