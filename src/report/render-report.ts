// Renders findings in the requested format. Each formatter loads only when asked for, so a
// plain `validate` run never loads SARIF or JUnit code.
import type { ReportContext } from './report-context.js';
import type { ReportFormat } from './report-formats.js';

export async function renderReport(format: ReportFormat, context: ReportContext, color: boolean): Promise<string> {
  switch (format) {
    case 'json':
      return (await import('./json-format.js')).formatJson(context.findings, context.files);
    case 'sarif':
      return (await import('./sarif-format.js')).formatSarif(context);
    case 'junit':
      return (await import('./junit-format.js')).formatJunit(context);
    case 'github':
      return (await import('./github-format.js')).formatGithub(context);
    default:
      return (await import('./stylish-format.js')).formatStylish(context.findings, context.files, { color });
  }
}
