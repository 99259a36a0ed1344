// The machine-readable report. Its shape is a contract shared by validate and lint:
// {"version":1,"results":[findings],"summary":{files,errors,warnings,infos}}.
import { summarize, type Finding } from '../findings.js';

export function formatJson(findings: readonly Finding[], files: number): string {
  return JSON.stringify({ version: 1, results: findings, summary: summarize(files, findings) }) + '\n';
}
