// Applies config suppressions to findings and notices the ones that matched nothing, so stale
// suppressions do not pile up unseen.
import { dirname, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { Suppression } from '../config/edgewise-config.js';
import type { Finding } from '../findings.js';

/** What a suppression is matched on: known before the finding is placed. */
export type SuppressedCandidate = Pick<Finding, 'file' | 'ruleId' | 'pointer'>;

export class SuppressionTracker {
  private readonly used = new Set<Suppression>();
  private readonly matchers = new Map<Suppression, (path: string) => boolean>();

  constructor(private readonly suppressions: readonly Suppression[]) {
    for (const suppression of suppressions) this.matchers.set(suppression, picomatch(suppression.file, { dot: true }));
  }

  /** Findings not covered by a suppression. */
  filter(findings: readonly Finding[]): Finding[] {
    return findings.filter((finding) => !this.suppresses(finding));
  }

  /** Whether a suppression covers the finding; the one that does counts as used. */
  suppresses(finding: SuppressedCandidate): boolean {
    const match = this.match(finding);
    if (match) this.markUsed(match);
    return match !== undefined;
  }

  /** The suppression that covers a finding (placed or not yet), without counting it as used. */
  match(finding: SuppressedCandidate): Suppression | undefined {
    if (this.suppressions.length === 0) return undefined;
    return this.suppressions.find((suppression) => this.covers(suppression, finding));
  }

  markUsed(suppression: Suppression): void {
    this.used.add(suppression);
  }

  unused(): Suppression[] {
    return this.suppressions.filter((suppression) => !this.used.has(suppression));
  }

  private covers(suppression: Suppression, finding: SuppressedCandidate): boolean {
    if (suppression.rule !== finding.ruleId) return false;
    if (finding.pointer !== suppression.pointer && !finding.pointer.startsWith(suppression.pointer + '/')) return false;
    const base = dirname(suppression.source.file);
    const path = relative(base, resolve(finding.file)).split('\\').join('/');
    return this.matchers.get(suppression)!(path);
  }
}
