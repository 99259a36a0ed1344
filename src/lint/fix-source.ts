// --fix: lint, apply every fix, lint again, until nothing is left to fix (at most 10 passes,
// as ESLint does, since one fix can reveal another). Suggestions are never applied: they
// choose between reasonable values, which only the user can do.
import { parseSource, type SourceText } from '../manifest/parse-source.js';
import { collectSecrets, documentSecrets } from '../manifest/secrets.js';
import { applyFixesToText, toRawEdits, UneditableTextError } from './apply-fixes.js';
import type { AppliedFix } from '../findings.js';
import { describeFix } from './applied-fix.js';
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
  /** Why the fixes of a pass could not be written into the text (UneditableTextError); the text keeps the passes before it. */
  unfixable?: string;
}

export async function fixSource(input: SourceText, options: LintOptions): Promise<FixedSource> {
  let text = input.text;
  let fixed = 0;
  const applied: AppliedFix[] = [];
  const secrets = new Set<string>();
  let unfixable: string | undefined;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const linted = await lintSource({ file: input.file, text }, options);
    const fixable = linted.findings.filter((finding) => finding.fix);
    if (fixable.length === 0 || !linted.manifest || !linted.source) break;
    const manifest = linted.manifest;
    let next: string;
    try {
      next = applyFixesToText(text, linted.source.format, toRawEdits(fixable.map((finding) => finding.fix!), manifest.value, manifest.createOptions));
    } catch (error) {
      if (!(error instanceof UneditableTextError)) throw error;
      unfixable = error.message;
      break;
    }
    if (next === text) break;
    const passSecrets = collectSecrets(manifest);
    for (const secret of passSecrets) secrets.add(secret);
    for (const finding of fixable) applied.push(describeFix(finding, manifest, passSecrets));
    text = next;
    fixed += fixable.length;
  }
  // The fixed text may cut a secret where no pass's text did (a fix re-chunks createOptions): its
  // secrets, and the pieces its chunks hold of those already known, mask the preview too.
  if (fixed > 0) {
    const parsed = await parseSource({ file: input.file, text });
    if (parsed.ok) for (const secret of documentSecrets(parsed.source.value, secrets)) secrets.add(secret);
  }
  // Longest first, as maskSecrets expects, so a secret inside a longer one is not masked first.
  return { text, fixed, applied, secrets: [...secrets].sort((a, b) => b.length - a.length), ...(unfixable === undefined ? {} : { unfixable }) };
}
