// Lints a batch of inputs: picks each file's config, lints (and fixes, when asked), applies
// suppressions, and keeps what the report needs: at most FINDINGS_PER_RULE findings of a rule
// per file (findings-cap.ts), capped after suppressions so that suppressed findings take no room
// and --fix still fixes every finding. Runs on the main thread or in a worker.
import { writeFileSync } from 'node:fs';
import type { EdgewiseConfig } from '../config/edgewise-config.js';
import type { Finding, FixedFile } from '../findings.js';
import { isManifestCandidate } from '../manifest/manifest-shape.js';
import { readInput, STDIN_NAME, type InputRef } from '../manifest/read-inputs.js';
import { maskSecrets } from '../manifest/secrets.js';
import { capFindings, isOmittedFindings, type OmittedFindings } from '../findings-cap.js';
import { RULE_IDS, RULES } from '../rules/index.js';
import { ConfigResolver } from './config-resolver.js';
import { fingerprintOf } from './fingerprint.js';
import { fixSource } from './fix-source.js';
import { lintSource } from './lint-source.js';
import { SuppressionTracker } from './suppressions.js';
import { unreadableFinding } from '../validate/load-source.js';
import type { Flavour, NormalizedManifest } from '../manifest/normalize-manifest.js';

export interface LintRunOptions {
  configFile?: string;
  fix?: boolean;
  /** Compute fixes without writing, even together with `fix`. */
  fixDryRun?: boolean;
  flavour?: Flavour;
  /** Keep errors only (--quiet); done before the cap, so warnings do not take up its room. */
  quiet?: boolean;
}

export interface LintBatchResult {
  files: number;
  checkedFiles: string[];
  findings: Finding[];
  /** SARIF fingerprints, one per finding, in the same order. */
  fingerprints: string[];
  /** The config files that applied to at least one input, as loaded (their unused suppressions are reported once every batch is done). */
  configs: EdgewiseConfig[];
  /** `<config file>#<index>` of every suppression that matched a finding. */
  usedSuppressions: string[];
  fixed: FixedFile[];
}

function publicFinding(finding: Finding | OmittedFindings): Finding {
  const { file, ruleId, severity, message, pointer, line, column, suggestions } = finding;
  const omitted = isOmittedFindings(finding) ? { omitted: finding.omitted } : {};
  return { file, ruleId, severity, message, pointer, line, column, ...(suggestions && suggestions.length > 0 ? { suggestions } : {}), ...omitted };
}

/** A summary finding's identity does not include its count, so that code scanning keeps one alert as the count changes. */
function fingerprintFor(finding: Finding | OmittedFindings, manifest: NormalizedManifest | undefined): string {
  return isOmittedFindings(finding) ? fingerprintOf({ ...finding, message: 'findings not listed' }, undefined) : fingerprintOf(finding, manifest);
}

export async function lintInputs(refs: readonly InputRef[], options: LintRunOptions): Promise<LintBatchResult> {
  const resolver = new ConfigResolver(RULE_IDS, options.configFile);
  const trackers = new Map<string, { config: EdgewiseConfig; tracker: SuppressionTracker }>();
  const result: LintBatchResult = { files: 0, checkedFiles: [], findings: [], fingerprints: [], configs: [], usedSuppressions: [], fixed: [] };
  for (const ref of refs) {
    const read = readInput(ref);
    if (!read.ok) {
      result.files++;
      result.checkedFiles.push(ref.file);
      const finding = unreadableFinding(ref.file, read.message);
      result.findings.push(finding);
      result.fingerprints.push(fingerprintOf(finding, undefined));
      continue;
    }
    const config = await resolver.configFor(ref.file);
    const lintOptions = { rules: RULES, config, flavour: options.flavour };
    let text = read.text;
    if (options.fix || options.fixDryRun) {
      const fixed = await fixSource({ file: ref.file, text }, lintOptions);
      // A file whose fixes could not be written is listed too, so that --fix never skips silently.
      if (fixed.fixed > 0 || fixed.unfixable !== undefined) {
        const write = Boolean(options.fix) && !options.fixDryRun && ref.file !== STDIN_NAME && fixed.fixed > 0;
        if (write) writeFileSync(ref.file, fixed.text);
        const preview = write || fixed.fixed === 0 ? undefined : { before: maskSecrets(text, fixed.secrets), after: maskSecrets(fixed.text, fixed.secrets) };
        const unfixable = fixed.unfixable === undefined ? {} : { unfixable: maskSecrets(fixed.unfixable, fixed.secrets) };
        result.fixed.push({ file: ref.file, count: fixed.fixed, written: write, applied: fixed.applied, ...(preview ? { preview } : {}), ...unfixable });
        text = fixed.text;
      }
    }
    const linted = await lintSource({ file: ref.file, text }, lintOptions);
    if (!ref.explicit && !isManifestCandidate(text, linted.manifest)) continue;
    result.files++;
    result.checkedFiles.push(ref.file);
    let entry = trackers.get(config.file ?? '');
    if (!entry) {
      entry = { config, tracker: new SuppressionTracker(config.suppressions) };
      trackers.set(config.file ?? '', entry);
    }
    const reported = entry.tracker.filter(linted.findings).filter((finding) => !options.quiet || finding.severity === 'error');
    for (const finding of capFindings(reported)) {
      result.findings.push(publicFinding(finding));
      result.fingerprints.push(fingerprintFor(finding, linted.manifest));
    }
  }
  for (const { config, tracker } of trackers.values()) {
    if (!config.file) continue;
    result.configs.push(config);
    const unused = new Set(tracker.unused());
    config.suppressions.forEach((suppression, index) => {
      if (!unused.has(suppression)) result.usedSuppressions.push(`${config.file}#${index}`);
    });
  }
  return result;
}
