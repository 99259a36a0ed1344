// SARIF 2.1.0 for GitHub code scanning: real regions, stable rule ids with help links, and
// partialFingerprints that survive lines moving (rule + pointer + content, never line numbers).
// Suggestions (fixes that choose, never applied) are in each result's `properties.suggestions`.
// Code scanning's limits and required properties:
// https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, Severity } from '../findings.js';
import type { ReportContext } from './report-context.js';
import type { Formatter } from './formatter.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };
/** Where the rule pages (docs/rules/<id>.md) are published; EDGEWISE_DOCS_URL points at a fork or mirror. */
export const RULE_DOCS_BASE = process.env.EDGEWISE_DOCS_URL ?? 'https://github.com/edgewise-iot/edgewise/blob/main/docs/rules/';

/** Code scanning rejects a whole upload whose run has more results than this. */
export const MAX_SARIF_RESULTS = 25_000;
const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

/**
 * At most `limit` findings, the most severe first (errors, then warnings, then infos), kept in
 * report order: an upload that is rejected shows nothing at all.
 */
function keepMostSevere(findings: readonly Finding[], limit: number): readonly Finding[] {
  if (findings.length <= limit) return findings;
  const room: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  let left = limit;
  for (const severity of SEVERITY_ORDER) {
    room[severity] = Math.min(left, findings.filter((finding) => finding.severity === severity).length);
    left -= room[severity];
  }
  return findings.filter((finding) => room[finding.severity]-- > 0);
}

interface SarifInvocation {
  executionSuccessful: boolean;
  toolExecutionNotifications: { level: 'warning'; message: { text: string } }[];
}

/** The run's one invocation, saying what the results limit left out. */
function leftOutNotice(count: number): SarifInvocation[] {
  const text = `The ${count.toLocaleString('en-US')} least severe findings are not in this file: GitHub code scanning accepts at most ${MAX_SARIF_RESULTS.toLocaleString('en-US')} results per run. Fix the listed ones, or run edgewise lint with another format to see them all.`;
  return [{ executionSuccessful: true, toolExecutionNotifications: [{ level: 'warning', message: { text } }] }];
}

function toUri(file: string, base: string): string {
  if (file === '<stdin>') return 'stdin';
  const path = relative(base, file).split('\\').join('/');
  return path.split('/').map(encodeURIComponent).join('/');
}

export function formatSarif(context: ReportContext): string {
  const ruleIndex = new Map(context.rules.map((rule, index) => [rule.id, index]));
  const findings = keepMostSevere(context.findings, MAX_SARIF_RESULTS);
  const leftOut = context.findings.length - findings.length;
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
        // A URI, not a path: spaces and other characters percent-encoded, file:///C:/… on Windows.
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(context.baseFolder).href.replace(/\/?$/, '/') } },
        ...(leftOut > 0 ? { invocations: leftOutNotice(leftOut) } : {}),
        results: findings.map((finding) => ({
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
