// lint = validate + rules, then config severities and suppressions. Pure apart from the lazy
// imports that validation uses: no file system, no output.
import type { EdgewiseConfig, RuleSetting } from '../config/edgewise-config.js';
import type { Finding, PendingFinding, Severity } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import type { ParsedSource, SourceText } from '../manifest/parse-source.js';
import { isStackOverflow, tooDeepFinding } from '../manifest/nesting-depth.js';
import { placeFindings } from '../manifest/place-findings.js';
import { collectSecrets, maskSecrets } from '../manifest/secrets.js';
import { formatMessage, type Fix, type Rule, type Suggestion } from '../rules/rule.js';
import { validateSource, type ValidateOptions } from '../validate/validate-source.js';

export interface LintFinding extends Finding {
  fix?: Fix;
  /** Which of the rule's messages this is (for tests; not part of the report formats). */
  messageId?: string;
}

export interface LintedSource {
  findings: LintFinding[];
  manifest?: NormalizedManifest;
  /** The text and its positions the manifest was read from (its format, for --fix). */
  source?: ParsedSource;
}

export interface LintOptions extends ValidateOptions {
  rules: readonly Rule[];
  config: Pick<EdgewiseConfig, 'rules'>;
}

function settingFor(ruleId: string, config: LintOptions['config']): RuleSetting | undefined {
  return config.rules[ruleId];
}

export async function lintSource(input: SourceText, options: LintOptions): Promise<LintedSource> {
  try {
    return await lintValidated(input, options);
  } catch (error) {
    if (!isStackOverflow(error)) throw error;
    return { findings: await placeFindings(input.file, input.text, [tooDeepFinding(input.text)]) };
  }
}

async function lintValidated(input: SourceText, options: LintOptions): Promise<LintedSource> {
  const validated = await validateSource(input, options);
  const fromValidation = applySettings(validated.findings, options.config);
  const { manifest, source } = validated;
  if (!manifest || !source || manifest.located.shape === 'not-a-manifest') return { findings: fromValidation, manifest, source };

  const pending: PendingFinding[] = [];
  const extras: { fix?: Fix; suggestions?: Suggestion[]; messageId: string }[] = [];
  // Validation already reports some rules' findings (e.g. a placeholder that breaks the schema).
  const reported = new Set(validated.findings.map((finding) => `${finding.ruleId} ${finding.pointer}`));
  for (const rule of options.rules) {
    const setting = settingFor(rule.meta.id, options.config);
    if (setting === 'off') continue;
    for (const report of rule.check(manifest)) {
      if (reported.has(`${rule.meta.id} ${report.pointer}`)) continue;
      const template = rule.meta.messages[report.messageId];
      if (template === undefined) throw new Error(`rule ${rule.meta.id} reported unknown message id ${report.messageId}`);
      pending.push({
        ruleId: rule.meta.id,
        severity: (setting ?? report.severity ?? rule.meta.defaultSeverity) as Severity,
        message: formatMessage(template, report.data),
        pointer: report.pointer,
        anchor: report.anchor,
        stringOffset: report.stringOffset,
      });
      extras.push({ fix: report.fix, suggestions: report.suggestions, messageId: report.messageId });
    }
  }
  const placed: LintFinding[] = await placeFindings(source.file, source.text, pending, source, manifest.createOptions);
  const secrets = placed.length > 0 ? collectSecrets(manifest) : [];
  placed.forEach((finding, index) => {
    finding.message = maskSecrets(finding.message, secrets);
    const { fix, suggestions, messageId } = extras[index]!;
    finding.messageId = messageId;
    if (fix) finding.fix = fix;
    // Suggestions reach every report format, so their text is masked like the message.
    if (suggestions && suggestions.length > 0) finding.suggestions = suggestions.map((suggestion) => maskStrings(suggestion, secrets));
  });
  const findings = [...fromValidation, ...placed].sort((a, b) => a.line - b.line || a.column - b.column);
  return { findings, manifest, source };
}

function maskStrings<T>(value: T, secrets: readonly string[]): T {
  if (typeof value === 'string') return maskSecrets(value, secrets) as T;
  if (Array.isArray(value)) return value.map((entry) => maskStrings(entry, secrets)) as T;
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, maskStrings(entry, secrets)])) as T;
  return value;
}

function applySettings(findings: readonly Finding[], config: LintOptions['config']): Finding[] {
  const result: Finding[] = [];
  for (const finding of findings) {
    const setting = settingFor(finding.ruleId, config);
    if (setting === 'off') continue;
    result.push(setting ? { ...finding, severity: setting } : finding);
  }
  return result;
}
