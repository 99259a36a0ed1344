// Applies one suggestion of a finding to the source text, as a user accepting it in an editor
// would: suggestions are never applied by --fix, so tests apply them here to check their edits.
import { applyFixesToText, toRawEdits } from '../../src/lint/apply-fixes.js';
import { lintSource } from '../../src/lint/lint-source.js';
import type { Fix } from '../../src/rules/rule.js';

export async function applySuggestion(input: { file: string; text: string }, fix: Fix): Promise<string> {
  const { manifest, source } = await lintSource(input, { rules: [], config: { rules: {} } });
  if (!manifest || !source) throw new Error(`${input.file} does not load as a manifest`);
  return applyFixesToText(input.text, source.format, toRawEdits([fix], manifest.value, manifest.createOptions));
}
