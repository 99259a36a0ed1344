// --fix: lint, apply every fix, lint again, until nothing is left to fix (at most 10 passes,
// as ESLint does, since one fix can reveal another). Suggestions are never applied: they
// choose between reasonable values, which only the user can do.
import type { SourceText } from '../manifest/parse-source.js';
import { collectSecrets } from '../manifest/secrets.js';
import { applyFixesToText, toRawEdits } from './apply-fixes.js';
import { describeFix, type AppliedFix } from './applied-fix.js';
import { lintSource, type LintOptions } from './lint-source.js';

const MAX_PASSES = 10;

export interface FixedSource {
  text: string;
  /** Number of findings whose fix was applied. */
  fixed: number;
  /** Each applied fix, in the order applied (a later pass's lines refer to the text after the earlier passes). */
  applied: AppliedFix[];
  /** Secret values seen in any pass, so that a preview of the change can mask them. */
  secrets: string[];
}

export async function fixSource(input: SourceText, options: LintOptions): Promise<FixedSource> {
  let text = input.text;
  let fixed = 0;
  const applied: AppliedFix[] = [];
  const secrets = new Set<string>();
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const linted = await lintSource({ file: input.file, text }, options);
    const fixable = linted.findings.filter((finding) => finding.fix);
    if (fixable.length === 0 || !linted.manifest) break;
    const manifest = linted.manifest;
    const next = applyFixesToText(text, manifest.source.format, toRawEdits(fixable.map((finding) => finding.fix!), manifest.source.value, manifest.createOptions));
    if (next === text) break;
    const passSecrets = collectSecrets(manifest);
    for (const secret of passSecrets) secrets.add(secret);
    applied.push(...fixable.map((finding) => describeFix(finding, manifest, passSecrets)));
    text = next;
    fixed += fixable.length;
  }
  // Longest first, as maskSecrets expects, so a secret inside a longer one is not masked first.
  return { text, fixed, applied, secrets: [...secrets].sort((a, b) => b.length - a.length) };
}
