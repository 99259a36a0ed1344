// How the authoring commands (init, gen, offline enable) explain a refused output.
import type { Finding } from '../findings.js';
import { formatFindingLines } from './finding-lines-format.js';

/** The explanation given when an output is refused. */
export function refusal(what: string, file: string, findings: readonly Finding[]): string {
  const errors = findings.filter((finding) => finding.severity === 'error').length;
  return `edgewise: ${what} ${file} was not written: it has ${errors} error${errors === 1 ? '' : 's'}\n${formatFindingLines(findings, 'error')}`;
}
