// The structured change list as data: every change with its pointer in the normalized model,
// kind, owner, old and new values (secret values masked unless asked for) and impact, then each
// group's combined impact. What `diff --format json` prints and the library's diff() returns.
import type { ChangeKind, Section } from './change-list.js';
import type { ManifestDiff } from './diff-manifests.js';
import type { Impact } from './impact.js';
import { maskChangeValues } from './secret-masking.js';

export interface DiffReportChange {
  pointer: string;
  kind: ChangeKind;
  section: Section;
  module?: string;
  impact: Impact;
  old?: unknown;
  new?: unknown;
  /** The values are secret and left out. */
  secret?: true;
}

export interface DiffReport {
  a: string;
  b: string;
  different: boolean;
  changes: DiffReportChange[];
  groups: { section: Section; module?: string; impact: Impact; effects: Impact[]; changes: number }[];
}

export function diffReport(diff: ManifestDiff, options: { showSecrets?: boolean } = {}): DiffReport {
  return {
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
        ...(values.secret && { secret: true as const }),
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
}
