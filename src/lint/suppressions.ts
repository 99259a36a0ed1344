// Applies config suppressions to findings and notices the ones that matched nothing, so stale
// suppressions do not pile up unseen.
import { dirname, relative, resolve } from 'node:path';
import picomatch from 'picomatch';
import type { Suppression } from '../config/edgewise-config.js';
import type { Finding } from '../findings.js';

export class SuppressionTracker {
  private readonly used = new Set<Suppression>();
  private readonly matchers = new Map<Suppression, (path: string) => boolean>();

  constructor(private readonly suppressions: readonly Suppression[]) {
    for (const suppression of suppressions) this.matchers.set(suppression, picomatch(suppression.file, { dot: true }));
  }

  /** Findings not covered by a suppression. */
  filter(findings: readonly Finding[]): Finding[] {
    return findings.filter((finding) => {
      const match = this.suppressions.find((suppression) => this.covers(suppression, finding));
      if (match) this.used.add(match);
      return !match;
    });
  }

  unused(): Suppression[] {
    return this.suppressions.filter((suppression) => !this.used.has(suppression));
  }

  private covers(suppression: Suppression, finding: Finding): boolean {
    if (suppression.rule !== finding.ruleId) return false;
    if (finding.pointer !== suppression.pointer && !finding.pointer.startsWith(suppression.pointer + '/')) return false;
    const base = dirname(suppression.source.file);
    const path = relative(base, resolve(finding.file)).split('\\').join('/');
    return this.matchers.get(suppression)!(path);
  }
}
