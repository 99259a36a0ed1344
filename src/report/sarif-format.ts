// SARIF 2.1.0 for GitHub code scanning: real regions, stable rule ids with help links, and
// partialFingerprints that survive lines moving (rule + pointer + content, never line numbers).
// Suggestions (fixes that choose, never applied) are in each result's `properties.suggestions`.
import { relative } from 'node:path';
import type { Severity } from '../findings.js';
import type { ReportContext } from './report-context.js';
import type { Formatter } from './formatter.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** Where the rule pages (docs/rules/<id>.md) are published; EDGEWISE_DOCS_URL points at a fork or mirror. */
export const RULE_DOCS_BASE = process.env.EDGEWISE_DOCS_URL ?? 'https://github.com/edgewise-iot/edgewise/blob/main/docs/rules/';

function toUri(file: string, base: string): string {
  if (file === '<stdin>') return 'stdin';
  const path = relative(base, file).split('\\').join('/');
  return path.split('/').map(encodeURIComponent).join('/');
}

export function formatSarif(context: ReportContext): string {
  const ruleIndex = new Map(context.rules.map((rule, index) => [rule.id, index]));
  const sarif = {
    version: '2.1.0',
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    runs: [
      {
        tool: {
          driver: {
            name: 'edgewise',
            version: context.toolVersion,
            informationUri: 'https://github.com/edgewise-iot/edgewise',
            rules: context.rules.map((rule) => ({
              id: rule.id,
              name: rule.id.replace(/(^|-)([a-z])/g, (_m, _dash, letter: string) => letter.toUpperCase()),
              shortDescription: { text: rule.description },
              fullDescription: { text: rule.description },
              helpUri: `${RULE_DOCS_BASE}${rule.id}.md`,
              // Code scanning shows this beside each alert, so it must make sense without the link.
              help: { text: `${rule.description} See docs/rules/${rule.id}.md.`, markdown: `${rule.description}\n\nSee [docs/rules/${rule.id}.md](${RULE_DOCS_BASE}${rule.id}.md).` },
              defaultConfiguration: { level: LEVEL[rule.defaultSeverity] },
            })),
          },
        },
        originalUriBaseIds: { '%SRCROOT%': { uri: `file://${context.baseFolder.split('\\').join('/').replace(/\/?$/, '/')}` } },
        results: context.findings.map((finding) => ({
          ruleId: finding.ruleId,
          ...(ruleIndex.has(finding.ruleId) ? { ruleIndex: ruleIndex.get(finding.ruleId) } : {}),
          level: LEVEL[finding.severity],
          message: { text: finding.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: toUri(finding.file, context.baseFolder), uriBaseId: '%SRCROOT%' },
                region: { startLine: finding.line, startColumn: finding.column },
              },
              ...(finding.pointer ? { logicalLocations: [{ fullyQualifiedName: finding.pointer, kind: 'member' }] } : {}),
            },
          ],
          partialFingerprints: { 'edgewise/v1': context.fingerprint(finding) },
          // SARIF `fixes` need text regions (artifactChanges); a suggestion is a pointer edit, and
          // code scanning ignores unknown properties, so suggestions ride in the property bag.
          ...(finding.suggestions && finding.suggestions.length > 0 ? { properties: { suggestions: finding.suggestions } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

export const sarifFormatter: Formatter<ReportContext> = { name: 'sarif', render: formatSarif };
