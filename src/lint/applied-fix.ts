// What one applied fix changed, as data for `--fix` to list: the finding's place and rule, and
// each edited value before and after (as JSON text, secrets masked). Rendering is in
// src/report/fix-report.ts.
import type { AppliedFix, FixChange } from '../findings.js';
import type { NormalizedManifest } from '../manifest/normalize-manifest.js';
import { maskSecrets } from '../manifest/secrets.js';
import type { LintFinding } from './lint-source.js';
import { valueAtPointer } from './value-at-pointer.js';

function jsonText(value: unknown, secrets: readonly string[]): string | undefined {
  return value === undefined ? undefined : maskSecrets(JSON.stringify(value), secrets);
}

export function describeFix(finding: LintFinding, manifest: NormalizedManifest, secrets: readonly string[]): AppliedFix {
  const changes = (finding.fix?.edits ?? []).map((edit): FixChange => {
    const appends = edit.op === 'set' && edit.pointer.endsWith('/-');
    return {
      pointer: edit.pointer,
      before: appends ? undefined : jsonText(valueAtPointer(manifest, edit.pointer), secrets),
      after: edit.op === 'set' ? jsonText(edit.value, secrets) : undefined,
    };
  });
  return { ruleId: finding.ruleId, line: finding.line, column: finding.column, changes };
}
