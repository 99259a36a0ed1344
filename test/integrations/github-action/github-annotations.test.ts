// Issue 17, GitHub Action: `--format github` within what GitHub shows. A step gets annotations for
// its first 10 error, 10 warning and 10 notice commands (actions/toolkit, docs/problem-matchers.md,
// "Limitations"); the rest stay in the log only, so past 10 of a kind a notice, printed first so
// that it is itself shown, says how many there are.
import { describe, expect, it } from 'vitest';
import type { Finding, Severity } from '../../../src/findings.js';
import { formatGithub } from '../../../src/report/github-format.js';

function findings(counts: Partial<Record<Severity, number>>): Finding[] {
  return (Object.entries(counts) as [Severity, number][]).flatMap(([severity, count]) =>
    Array.from({ length: count }, (_, index) => ({ file: 'deploy/deployment.json', ruleId: 'image-tag', severity, message: `finding ${index}`, pointer: '', line: index + 1, column: 1 })),
  );
}

function render(list: Finding[]): string[] {
  const text = formatGithub({ findings: list, files: 1, checkedFiles: [], rules: [], fingerprint: () => '', baseFolder: '.', toolVersion: '0.1.0' });
  return text.split('\n').filter(Boolean);
}

describe('github annotations and the per-step limit', () => {
  it('10 of each kind: one annotation per finding, no notice', () => {
    const lines = render(findings({ error: 10, warning: 10, info: 10 }));
    expect(lines).toHaveLength(30);
    expect(lines.filter((line) => line.startsWith('::notice title=edgewise'))).toEqual([]);
  });

  it('more than 10 of a kind: a notice first with the counts, then every annotation', () => {
    const lines = render(findings({ error: 3, warning: 11 }));
    expect(lines).toHaveLength(15);
    expect(lines[0]).toBe('::notice title=edgewise::3 errors, 11 warnings: GitHub annotates the first 10 of each kind in a step; this log lists them all.');
    expect(lines[1]).toBe('::error file=deploy/deployment.json,line=1,col=1,title=image-tag::finding 0');
  });
});
