// The unified diff that `lint --fix-dry-run` prints: the exact text for a typical fix, and a
// round trip (applying the diff to the old text gives the new one) over many generated edits.
import { describe, expect, it } from 'vitest';
import { unifiedDiff } from '../../src/report/unified-diff.js';

/** Applies a unified diff the way patch(1) does, strictly: every context and removed line must match. */
function applyDiff(before: string, diff: string): string {
  const old = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const lines = diff.split('\n');
  const out: string[] = [];
  let position = 0;
  let index = 2; // after the --- and +++ lines
  while (index < lines.length && lines[index] !== '') {
    const header = /^@@ -(\d+),(\d+) \+\d+,\d+ @@$/.exec(lines[index]!);
    if (!header) throw new Error(`bad hunk header: ${lines[index]}`);
    const start = Number(header[2]) === 0 ? Number(header[1]) : Number(header[1]) - 1;
    while (position < start) out.push(old[position++]!);
    index++;
    while (index < lines.length && /^[ +-]/.test(lines[index]!)) {
      const line = lines[index]!;
      const noNewline = lines[index + 1] === '\\ No newline at end of file';
      const text = line.slice(1) + (noNewline ? '' : '\n');
      if (line[0] !== '+') {
        if (old[position] !== text) throw new Error(`context mismatch at line ${position + 1}: ${JSON.stringify(old[position])} vs ${JSON.stringify(text)}`);
        position++;
      }
      if (line[0] !== '-') out.push(text);
      index += noNewline ? 2 : 1;
    }
  }
  while (position < old.length) out.push(old[position++]!);
  return out.join('');
}

describe('unifiedDiff', () => {
  it('shows a fix with three lines of context, as diff -u does', () => {
    const before = ['{', '  "env": {', '    "UpstreamProtocol": {', '      "value": "Mqtt"', '    }', '  },', '  "image": "hub:1.5",', '  "status": "running"', '}', ''].join('\n');
    const after = before.replace('"value": "Mqtt"', '"value": "MqttWs"');
    expect(unifiedDiff(before, after, 'deployment.json')).toBe(
      [
        '--- deployment.json',
        '+++ deployment.json',
        '@@ -1,7 +1,7 @@',
        ' {',
        '   "env": {',
        '     "UpstreamProtocol": {',
        '-      "value": "Mqtt"',
        '+      "value": "MqttWs"',
        '     }',
        '   },',
        '   "image": "hub:1.5",',
        '',
      ].join('\n'),
    );
  });

  it('is empty for equal texts, and marks a missing final newline', () => {
    expect(unifiedDiff('a\n', 'a\n', 'x.json')).toBe('');
    expect(unifiedDiff('a\nb', 'a\nc', 'x.json')).toBe('--- x.json\n+++ x.json\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n');
  });

  it('round-trips: applying the diff to the old text gives the new text', () => {
    // A fixed-seed generator, so a failure reproduces.
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    for (let round = 0; round < 500; round++) {
      const old = Array.from({ length: random(40) }, () => `line ${random(8)}\n`).join('') + (random(3) === 0 ? 'last' : '');
      const lines = old.match(/[^\n]*\n|[^\n]+$/g) ?? [];
      const changed = lines.flatMap((line) => (random(6) === 0 ? [] : random(6) === 0 ? [`new ${random(4)}\n`, line] : [line])).join('') + (random(4) === 0 ? 'tail\n' : '');
      const diff = unifiedDiff(old, changed, 'f.json');
      expect(applyDiff(old, diff), `round ${round}`).toBe(changed);
    }
  });
});
