// The suppressions that matched no finding in the whole run. Only the lint runner sees every
// file a config applies to (across worker batches), so it tells the unused-suppression rule which
// ones were unused, and the rule's check reports them; they are placed at the entries in the
// config file, whose positions loading the config recorded. The configs are the ones the batches
// loaded: no config file is read twice.
import type { EdgewiseConfig } from '../config/edgewise-config.js';
import type { Finding } from '../findings.js';
import { normalizeManifest } from '../manifest/normalize-manifest.js';
import { pendingFinding, type UnusedSuppression } from '../rules/rule.js';
import { unusedSuppression } from '../rules/unused-suppression.js';

/** `used`: `<config file>#<index>` of every suppression that matched a finding in some batch. */
export async function unusedSuppressionFindings(configs: readonly EdgewiseConfig[], used: ReadonlySet<string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  for (const config of configs) {
    const file = config.file;
    if (file === undefined || seen.has(file)) continue;
    seen.add(file);
    const setting = config.rules[unusedSuppression.meta.id];
    if (setting === 'off') continue;
    const unused: UnusedSuppression[] = [];
    config.suppressions.forEach((suppression, index) => {
      if (!used.has(`${file}#${index}`)) unused.push({ index, rule: suppression.rule, pointer: suppression.pointer, file: suppression.file });
    });
    if (unused.length === 0) continue;
    // The rule looks at the config, not at a manifest: it gets the model of nothing.
    const reports = unusedSuppression.check(await normalizeManifest(undefined), { problems: [], unusedSuppressions: unused });
    const places = new Map(config.suppressions.map((suppression, index) => [`/suppressions/${index}`, suppression.source]));
    for (const report of reports) {
      const { ruleId, severity, message, pointer } = pendingFinding(unusedSuppression, report, setting ?? report.severity ?? unusedSuppression.meta.defaultSeverity);
      const place = places.get(pointer) ?? { line: 1, column: 1 };
      findings.push({ file, ruleId, severity, message, pointer, line: place.line, column: place.column });
    }
  }
  return findings;
}
