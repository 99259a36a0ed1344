// The findings report of validate and lint as data: what `--format json` prints and what the
// library's validate() and lint() resolve to. The summary counts every finding, also those a
// capped report does not list (findings-cap.ts).
import { countFindings } from './findings-cap.js';
import type { Finding, Summary } from './findings.js';

export interface FindingsReport {
  version: 1;
  results: Finding[];
  summary: Summary;
}

export function findingsReport(files: number, findings: readonly Finding[]): FindingsReport {
  return { version: 1, results: [...findings], summary: countFindings(files, findings) };
}
