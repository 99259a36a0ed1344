// The structured change list: every change with its pointer in the normalized model, kind, owner,
// old and new values (secrets masked) and impact, then each group's combined impact.
import { maskSecrets } from '../manifest/secrets.js';
import type { ManifestDiff } from './diff-manifests.js';
import { maskChangeValues } from './secret-masking.js';
import type { DiffFormatOptions } from './text-format.js';

export function formatDiffJson(diff: ManifestDiff, options: Pick<DiffFormatOptions, 'showSecrets'>): string {
  const report = {
    a: diff.a.file,
    b: diff.b.file,
    different: diff.changes.length > 0,
    changes: diff.changes.map((change) => {
      const values = options.showSecrets ? { old: change.old, new: change.new, secret: false } : maskChangeValues(change, diff.secrets);
      return {
        pointer: change.pointer,
        kind: change.kind,
        section: change.section,
        ...(change.module !== undefined && { module: change.module }),
        impact: change.impact,
        ...('old' in values && { old: values.old }),
        ...('new' in values && { new: values.new }),
        ...(values.secret && { secret: true }),
      };
    }),
    groups: diff.groups.map((group) => ({
      section: group.section,
      ...(group.module !== undefined && { module: group.module }),
      impact: group.impact,
      effects: group.effects,
      changes: group.changes.length,
    })),
  };
  const text = `${JSON.stringify(report, null, 2)}\n`;
  return options.showSecrets ? text : maskSecrets(text, diff.secrets);
}
