// --fix: lint, apply every fix, lint again, until nothing is left to fix (at most 10 passes,
// as ESLint does, since one fix can reveal another).
import type { SourceText } from '../manifest/parse-source.js';
import { applyFixesToText, toRawEdits } from './apply-fixes.js';
import { lintSource, type LintOptions } from './lint-source.js';

const MAX_PASSES = 10;

export interface FixedSource {
  text: string;
  /** Number of findings whose fix was applied. */
  fixed: number;
}

export async function fixSource(input: SourceText, options: LintOptions): Promise<FixedSource> {
  let text = input.text;
  let fixed = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    const linted = await lintSource({ file: input.file, text }, options);
    const fixes = linted.findings.flatMap((finding) => (finding.fix ? [finding.fix] : []));
    if (fixes.length === 0 || !linted.manifest) break;
    const manifest = linted.manifest;
    const next = applyFixesToText(text, manifest.source.format, toRawEdits(fixes, manifest.source.value, manifest.createOptions));
    if (next === text) break;
    text = next;
    fixed += fixes.length;
  }
  return { text, fixed };
}
