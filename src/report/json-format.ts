// The machine-readable report. Its shape is a contract shared by validate and lint, and the
// data the library's validate() and lint() resolve to (findings-report.ts):
// {"version":1,"results":[findings],"summary":{files,errors,warnings,infos}}.
import { countFindings } from '../findings-cap.js';
import type { Finding } from '../findings.js';
import type { FindingsReport } from '../findings-report.js';
import type { Formatter } from './formatter.js';
import type { ReportContext } from './report-context.js';

export function formatJson(findings: readonly Finding[], files: number): string {
  const report: FindingsReport = { version: 1, results: [...findings], summary: countFindings(files, findings) };
  return JSON.stringify(report) + '\n';
}

export const jsonFormatter: Formatter<ReportContext> = {
  name: 'json',
  render: (context) => formatJson(context.findings, context.files),
};
