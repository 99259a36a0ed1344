// Renders findings in the requested format. Each formatter loads only when asked for, so a
// plain `validate` run never loads SARIF or JUnit code. Every report passes one last masking net
// on its way out: findings are masked where they are made (validate-source, lint-source), and
// this catches what the text itself shows to be secret (a connection string's key, a
// `DB_PASSWORD=…` assignment) in any part of any format.
import { maskSecretShapes } from '../manifest/secrets.js';
import type { ReportContext } from './report-context.js';
import type { ReportFormat } from './report-formats.js';

export async function renderReport(format: ReportFormat, context: ReportContext, color: boolean): Promise<string> {
  return maskSecretShapes(await renderFormat(format, context, color));
}

async function renderFormat(format: ReportFormat, context: ReportContext, color: boolean): Promise<string> {
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
