// The machine-readable report. Its shape is a contract shared by validate and lint:
// {"version":1,"results":[findings],"summary":{files,errors,warnings,infos}}. The summary counts
// every finding, also those a capped report does not list (see findings-cap.ts).
import type { Finding } from '../findings.js';
import { countFindings } from '../findings-cap.js';

export function formatJson(findings: readonly Finding[], files: number): string {
  return JSON.stringify({ version: 1, results: findings, summary: countFindings(files, findings) }) + '\n';
}
