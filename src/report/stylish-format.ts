// The human report, grouped by file, in the layout ESLint users know.
import { summarize, type Finding } from '../findings.js';

export interface StylishOptions {
  color: boolean;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, underline: 4 } as const;

export function formatStylish(findings: readonly Finding[], files: number, options: StylishOptions): string {
  const paint = (code: keyof typeof CODES, text: string): string => (options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text);
  const byFile = new Map<string, Finding[]>();
  for (const finding of findings) byFile.set(finding.file, [...(byFile.get(finding.file) ?? []), finding]);
  let output = '';
  for (const [file, list] of byFile) {
    output += `\n${paint('underline', file)}\n`;
    const sorted = [...list].sort((a, b) => a.line - b.line || a.column - b.column);
    const widest = Math.max(...sorted.map((f) => `${f.line}:${f.column}`.length));
    for (const finding of sorted) {
      const place = `${finding.line}:${finding.column}`.padEnd(widest);
      const severity = finding.severity === 'error' ? paint('red', 'error  ') : finding.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info   ');
      output += `  ${paint('dim', place)}  ${severity}  ${finding.message}  ${paint('dim', finding.ruleId)}\n`;
    }
  }
  const summary = summarize(files, findings);
  const problems = summary.errors + summary.warnings + summary.infos;
  const fileWord = files === 1 ? 'file' : 'files';
  if (problems === 0) return `${output}${paint('bold', `✔ ${files} ${fileWord} checked, no problems`)}\n`;
  const counts = `${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}, ${summary.infos} info`;
  const line = `✖ ${problems} problem${problems === 1 ? '' : 's'} (${counts}) in ${files} ${fileWord}`;
  return `${output}\n${paint(summary.errors > 0 ? 'red' : 'yellow', paint('bold', line))}\n`;
}
