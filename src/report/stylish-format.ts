// The human report, grouped by file, in the layout ESLint users know, fitted to a 100-column
// terminal: what is wrong on the finding's line with the rule id at its end, then the why or
// what to do, and any suggestions, on indented lines below it.
import type { Finding } from '../findings.js';
import { countFindings } from '../findings-cap.js';
import { groupByFile } from './group-by-file.js';
import { splitMessage } from './message-parts.js';
import { wrapText } from './wrap-text.js';
import type { Formatter } from './formatter.js';
import type { ReportContext } from './report-context.js';

export interface StylishOptions {
  color: boolean;
  /** Columns to fit; 100 by default. */
  width?: number;
}

const CODES = { red: 31, yellow: 33, cyan: 36, dim: 2, bold: 1, underline: 4 } as const;
const DEFAULT_WIDTH = 100;
/** Narrower than this, text would wrap after every word; the line overflows instead. */
const MIN_TEXT_WIDTH = 30;
/** The why or what-to-do lines sit this much further in than the message, to set them apart. */
const HINT_INDENT = 2;

export function formatStylish(findings: readonly Finding[], files: number, options: StylishOptions): string {
  const paint = (code: keyof typeof CODES, text: string): string => (options.color ? `\u001b[${CODES[code]}m${text}\u001b[0m` : text);
  const width = options.width ?? DEFAULT_WIDTH;
  let output = '';
  for (const [file, list] of groupByFile(findings)) {
    output += `\n${paint('underline', file)}\n`;
    const sorted = list.sort((a, b) => a.line - b.line || a.column - b.column);
    let widest = 0;
    for (const finding of sorted) widest = Math.max(widest, `${finding.line}:${finding.column}`.length);
    for (const finding of sorted) {
      const place = `${finding.line}:${finding.column}`.padEnd(widest);
      const severity = finding.severity === 'error' ? paint('red', 'error  ') : finding.severity === 'warning' ? paint('yellow', 'warning') : paint('cyan', 'info   ');
      // Columns before the message: two spaces, place, two, severity (7), two.
      const indent = widest + 13;
      const { main, hint } = splitMessage(finding.message);
      const mainLines = wrapText(main, Math.max(MIN_TEXT_WIDTH, width - indent), Math.max(MIN_TEXT_WIDTH, width - indent - 2 - finding.ruleId.length));
      output += `  ${paint('dim', place)}  ${severity}  ${mainLines[0]}  ${paint('dim', finding.ruleId)}\n`;
      for (const line of mainLines.slice(1)) output += `${' '.repeat(indent)}${line}\n`;
      const below = [...(hint ? [hint] : []), ...(finding.suggestions ?? []).map((suggestion) => `suggestion: ${suggestion.description}`)];
      for (const text of below) {
        for (const line of wrapText(text, Math.max(MIN_TEXT_WIDTH, width - indent - HINT_INDENT))) output += `${' '.repeat(indent + HINT_INDENT)}${line}\n`;
      }
    }
  }
  const summary = countFindings(files, findings);
  const problems = summary.errors + summary.warnings + summary.infos;
  const fileWord = files === 1 ? 'file' : 'files';
  if (problems === 0) return `${output}${paint('bold', `✔ ${files} ${fileWord} checked, no problems`)}\n`;
  const counts = `${summary.errors} error${summary.errors === 1 ? '' : 's'}, ${summary.warnings} warning${summary.warnings === 1 ? '' : 's'}, ${summary.infos} info`;
  const line = `✖ ${problems} problem${problems === 1 ? '' : 's'} (${counts}) in ${files} ${fileWord}`;
  return `${output}\n${paint(summary.errors > 0 ? 'red' : 'yellow', paint('bold', line))}\n`;
}

export const stylishFormatter: Formatter<ReportContext> = {
  name: 'stylish',
  render: (context, options) => formatStylish(context.findings, context.files, { color: options.color }),
};
