// JUnit XML for CI dashboards: one test suite per file, one test case per finding, and a passing
// case for a clean file. Errors and warnings are failures (typed by severity), as in ESLint's
// JUnit output, so a dashboard shows them; an info finding is advice, not a defect, so its case
// passes and carries the message in <system-out>, where the dashboard still shows it.
import type { Finding } from '../findings.js';
import { groupByFile } from './group-by-file.js';
import type { ReportContext } from './report-context.js';
import type { Formatter } from './formatter.js';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

function details(file: string, finding: Finding): string {
  const suggestions = (finding.suggestions ?? []).map((suggestion) => `\nsuggestion: ${suggestion.description}`).join('');
  return escapeXml(`${file}:${finding.line}:${finding.column} ${finding.severity} ${finding.message} (${finding.ruleId}) at ${finding.pointer || '/'}${suggestions}`);
}

function testCase(file: string, finding: Finding): string {
  const open = `    <testcase classname="edgewise.${escapeXml(finding.ruleId)}" name="${escapeXml(`${file}:${finding.line}:${finding.column} ${finding.ruleId}`)}">\n`;
  const body = finding.severity === 'info'
    ? `      <system-out>${details(file, finding)}</system-out>\n`
    : `      <failure type="${finding.severity}" message="${escapeXml(finding.message)}">${details(file, finding)}</failure>\n`;
  return `${open}${body}    </testcase>\n`;
}

export function formatJunit(context: ReportContext): string {
  const byFile = groupByFile(context.findings, context.checkedFiles);
  let suites = '';
  let total = 0;
  let failures = 0;
  for (const [file, findings] of byFile) {
    const cases = findings.length === 0 ? `    <testcase classname="edgewise" name="${escapeXml(file)}"/>\n` : findings.map((finding) => testCase(file, finding)).join('');
    const count = Math.max(1, findings.length);
    const failed = findings.filter((finding) => finding.severity !== 'info').length;
    total += count;
    failures += failed;
    suites += `  <testsuite name="${escapeXml(file)}" tests="${count}" failures="${failed}" errors="0">\n${cases}  </testsuite>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="edgewise" tests="${total}" failures="${failures}" errors="0">\n${suites}</testsuites>\n`;
}

export const junitFormatter: Formatter<ReportContext> = { name: 'junit', render: formatJunit };
