// Lints batches of inputs: picks each file's config, lints (and fixes, when asked), applies
// suppressions, and keeps what the report needs: at most FINDINGS_PER_RULE findings of a rule
// per file (findings-cap.ts), capped after suppressions so that suppressed findings take no room
// and --fix still fixes every finding. Suppressed findings, and all but errors with --quiet, are
// dropped before they are placed. A session lives for one thread of a run (main or worker), so
// each config file is loaded once however many batches the thread takes.
import type { EdgewiseConfig, Suppression } from '../config/edgewise-config.js';
import { InputError } from '../errors.js';
import type { Finding, FixedFile } from '../findings.js';
import { isManifestCandidate } from '../manifest/manifest-shape.js';
import { readInput, STDIN_NAME, type InputRef } from '../manifest/read-inputs.js';
import { maskSecrets } from '../manifest/secrets.js';
import { writeFileAtomic } from '../manifest/write-file-atomic.js';
import { capFindings, isOmittedFindings, type OmittedFindings } from '../findings-cap.js';
import { RULE_IDS, RULES } from '../rules/index.js';
import { ConfigResolver } from './config-resolver.js';
import { fingerprintOf } from './fingerprint.js';
import { lintSource, type FindingCandidate } from './lint-source.js';
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
  /** Compute SARIF fingerprints (only SARIF shows them). */
  fingerprints?: boolean;
}

/** What one batch of inputs gave. */
export interface LintedBatch {
  files: number;
  checkedFiles: string[];
  findings: Finding[];
  /** SARIF fingerprints, one per finding, in the same order; empty unless asked for. */
  fingerprints: string[];
  fixed: FixedFile[];
}

/** What a session learnt about config files over all its batches. */
export interface LintSessionSummary {
  /**
   * The config files that applied to at least one input, as loaded, each with the run's index of
   * the first input it applied to, so that threads' summaries join in input order (their unused
   * suppressions are reported once every thread is done).
   */
  configs: { config: EdgewiseConfig; firstInput: number }[];
  /** `<config file>#<index>` of every suppression that matched a finding. */
  usedSuppressions: string[];
}

export type LintBatchResult = LintedBatch & LintSessionSummary;

function publicFinding(finding: Finding | OmittedFindings): Finding {
  const { file, ruleId, severity, message, pointer, line, column, suggestions } = finding;
  const omitted = isOmittedFindings(finding) ? { omitted: finding.omitted } : {};
  return { file, ruleId, severity, message, pointer, line, column, ...(suggestions && suggestions.length > 0 ? { suggestions } : {}), ...omitted };
}

/** A summary finding's identity does not include its count, so that code scanning keeps one alert as the count changes. */
function fingerprintFor(finding: Finding | OmittedFindings, manifest: NormalizedManifest | undefined): string {
  return isOmittedFindings(finding) ? fingerprintOf({ ...finding, message: 'findings not listed' }, undefined) : fingerprintOf(finding, manifest);
}

interface ConfigUse {
  config: EdgewiseConfig;
  tracker: SuppressionTracker;
  /** The run's index of the first manifest linted with it; undefined until one is (only such configs are reported on). */
  firstInput?: number;
}

export class LintSession {
  private readonly resolver: ConfigResolver;
  private readonly uses = new Map<string, ConfigUse>();

  constructor(private readonly options: LintRunOptions) {
    this.resolver = new ConfigResolver(RULE_IDS, options.configFile);
  }

  /** `firstIndex`: the run's index of refs[0]. */
  async lint(refs: readonly InputRef[], firstIndex = 0): Promise<LintedBatch> {
    const { options } = this;
    const result: LintedBatch = { files: 0, checkedFiles: [], findings: [], fingerprints: [], fixed: [] };
    for (const [position, ref] of refs.entries()) {
      const read = readInput(ref);
      if (!read.ok) {
        result.files++;
        result.checkedFiles.push(ref.file);
        const finding = unreadableFinding(ref.file, read.message);
        result.findings.push(finding);
        if (options.fingerprints) result.fingerprints.push(fingerprintOf(finding, undefined));
        continue;
      }
      const config = await this.resolver.configFor(ref.file);
      const lintOptions = { rules: RULES, config, flavour: options.flavour };
      let text = read.text;
      if (options.fix || options.fixDryRun) {
        // Loaded only for --fix: a plain lint (every pre-commit run) does not pay for it at start-up.
        const { fixSource } = await import('./fix-source.js');
        const fixed = await fixSource({ file: ref.file, text }, lintOptions);
        // A file whose fixes could not be written is listed too, so that --fix never skips silently.
        if (fixed.fixed > 0 || fixed.unfixable !== undefined) {
          const write = Boolean(options.fix) && !options.fixDryRun && ref.file !== STDIN_NAME && fixed.fixed > 0;
          if (write) writeFixed(ref.file, fixed.text);
          const preview = write || fixed.fixed === 0 ? undefined : { before: maskSecrets(text, fixed.secrets), after: maskSecrets(fixed.text, fixed.secrets) };
          const unfixable = fixed.unfixable === undefined ? {} : { unfixable: maskSecrets(fixed.unfixable, fixed.secrets) };
          result.fixed.push({ file: ref.file, count: fixed.fixed, written: write, applied: fixed.applied, ...(preview ? { preview } : {}), ...unfixable });
          text = fixed.text;
        }
      }
      const use = this.useOf(config);
      // Suppressions count as used only for files that turn out to be manifests (below).
      const matched: Suppression[] = [];
      const shown = (candidate: FindingCandidate): boolean => {
        const suppression = use.tracker.match({ ...candidate, file: ref.file });
        if (suppression) matched.push(suppression);
        return !suppression && (!options.quiet || candidate.severity === 'error');
      };
      const linted = await lintSource({ file: ref.file, text }, { ...lintOptions, shown });
      if (!ref.explicit && !isManifestCandidate(text, linted.manifest)) continue;
      result.files++;
      result.checkedFiles.push(ref.file);
      use.firstInput ??= firstIndex + position;
      for (const suppression of matched) use.tracker.markUsed(suppression);
      for (const finding of capFindings(linted.findings)) {
        result.findings.push(publicFinding(finding));
        if (options.fingerprints) result.fingerprints.push(fingerprintFor(finding, linted.manifest));
      }
    }
    return result;
  }

  summary(): LintSessionSummary {
    const summary: LintSessionSummary = { configs: [], usedSuppressions: [] };
    for (const { config, tracker, firstInput } of this.uses.values()) {
      if (!config.file || firstInput === undefined) continue;
      summary.configs.push({ config, firstInput });
      const unused = new Set(tracker.unused());
      config.suppressions.forEach((suppression, index) => {
        if (!unused.has(suppression)) summary.usedSuppressions.push(`${config.file}#${index}`);
      });
    }
    summary.configs.sort((a, b) => a.firstInput - b.firstInput);
    return summary;
  }

  private useOf(config: EdgewiseConfig): ConfigUse {
    let use = this.uses.get(config.file ?? '');
    if (!use) {
      use = { config, tracker: new SuppressionTracker(config.suppressions) };
      this.uses.set(config.file ?? '', use);
    }
    return use;
  }
}

/** Whole or not at all (write-file-atomic.ts): a run killed mid-write leaves the manifest as it was. */
function writeFixed(file: string, text: string): void {
  try {
    writeFileAtomic(file, text);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new InputError(`cannot write the fixes to ${file} (${code}); check the permissions of the file and of its folder`);
  }
}

/** Lints one batch in a session of its own. */
export async function lintInputs(refs: readonly InputRef[], options: LintRunOptions): Promise<LintBatchResult> {
  const session = new LintSession(options);
  const batch = await session.lint(refs);
  return { ...batch, ...session.summary() };
}
