// JUnit XML for CI dashboards: one test suite per file, one failing test case per finding,
// and a passing case for a clean file.
import type { ReportContext } from './report-context.js';

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g, '');
}

export function formatJunit(context: ReportContext): string {
  const byFile = new Map<string, typeof context.findings[number][]>();
  for (const file of context.checkedFiles) byFile.set(file, []);
  for (const finding of context.findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  let suites = '';
  let total = 0;
  let failures = 0;
  for (const [file, findings] of byFile) {
    const cases = findings.length === 0
      ? `    <testcase classname="edgewise" name="${escapeXml(file)}"/>\n`
      : findings
          .map((f) => `    <testcase classname="edgewise.${escapeXml(f.ruleId)}" name="${escapeXml(`${file}:${f.line}:${f.column} ${f.ruleId}`)}">\n      <failure type="${f.severity}" message="${escapeXml(f.message)}">${escapeXml(`${file}:${f.line}:${f.column} ${f.severity} ${f.message} (${f.ruleId}) at ${f.pointer || '/'}`)}</failure>\n    </testcase>\n`)
          .join('');
    const count = Math.max(1, findings.length);
    total += count;
    failures += findings.length;
    suites += `  <testsuite name="${escapeXml(file)}" tests="${count}" failures="${findings.length}" errors="0">\n${cases}  </testsuite>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="edgewise" tests="${total}" failures="${failures}" errors="0">\n${suites}</testsuites>\n`;
}
