// A suppression in a config file that matched no finding in the run is itself a finding
// (rule unused-suppression), placed in the config file.
import { loadConfig } from '../config/load-config.js';
import type { Finding } from '../findings.js';
import { RULE_IDS } from '../rules/index.js';

/**
 * @param configFiles config files that applied to at least one input
 * @param used `<config file>#<index>` of every suppression that matched a finding
 */
export async function unusedSuppressionFindings(configFiles: string[], used: Set<string>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const file of new Set(configFiles)) {
    const config = await loadConfig(file, RULE_IDS);
    const setting = config.rules['unused-suppression'] ?? 'warning';
    if (setting === 'off') continue;
    config.suppressions.forEach((suppression, index) => {
      if (used.has(`${file}#${index}`)) return;
      findings.push({
        file,
        ruleId: 'unused-suppression',
        severity: setting,
        message: `this suppression of ${suppression.rule} at ${suppression.pointer} for ${suppression.file} matched no finding; remove it, or fix its file, pointer or rule`,
        pointer: `/suppressions/${index}`,
        line: suppression.source.line,
        column: suppression.source.column,
      });
    });
  }
  return findings;
}
