// The two narrators of `edgewise demo offline`: a pipe gets plain lines (no control characters,
// no counters line), a terminal gets a counters line redrawn in place under the narration, never
// wider than the terminal.
import { describe, expect, it } from 'vitest';
import type { HubProgress } from '../../src/demo/offline/hub-progress.js';
import { checkLine, counted, countersText, liveNarrator, plainNarrator } from '../../src/demo/offline/narration.js';

const CLEAR = '\r\u001b[2K';

function hub(overrides: Partial<HubProgress> = {}): HubProgress {
  return { upstream: 'cut', clients: new Map(), waitingForCloud: 24, stored: 1204, delivered: 1180, expired: 0, reportedPending: 12, resync: { round: 1, state: 'done', steps: [] }, ...overrides };
}

function recorder(): { written: string[]; write: (text: string) => void } {
  const written: string[] = [];
  return { written, write: (text) => void written.push(text) };
}

describe('the plain narrator (piped)', () => {
  it('writes lines only: steps, narration, checks and counters, without control characters', () => {
    const out = recorder();
    const narrator = plainNarrator({ write: out.write, color: false });
    narrator.title('edgewise demo offline: …');
    narrator.step(3, 'offline: the upstream is cut');
    narrator.say('$ edgewise hub upstream cut --data /tmp/x/hub');
    narrator.progress({ phase: 'offline, upstream cut 4 s', hub: hub() });
    narrator.check({ step: 'offline', title: 'telemetry is stored while the cloud is away', state: 'held', detail: '24 messages wait in the hub' });
    narrator.counters({ phase: 'offline', hub: hub() });
    narrator.finish(['', 'summary']);
    const text = out.written.join('');
    expect(text).not.toMatch(/[\r\u001b]/);
    expect(text.split('\n')).toEqual([
      'edgewise demo offline: …',
      '',
      'step 3 of 4, offline: the upstream is cut',
      '  $ edgewise hub upstream cut --data /tmp/x/hub',
      '  ✓ telemetry is stored while the cloud is away: 24 messages wait in the hub',
      '  counters (offline): stored 1,204 · delivered 1,180 · expired 0 · reported-pending 12 · waiting for the cloud 24',
      '',
      'summary',
      '',
    ]);
  });
});

describe('the live narrator (a terminal)', () => {
  it('redraws the counters line in place and keeps it under each new line', () => {
    const out = recorder();
    const narrator = liveNarrator({ write: out.write, color: false }, () => 200);
    narrator.progress({ phase: 'offline, upstream cut 4 s', hub: hub() });
    narrator.progress({ phase: 'offline, upstream cut 5 s', hub: hub({ stored: 1300 }) });
    narrator.say('module filter killed');
    const live = '  ▸ offline, upstream cut 5 s │ stored 1,300 · delivered 1,180 · expired 0 · reported-pending 12 · waiting for the cloud 24';
    expect(out.written).toEqual([
      `${CLEAR}  ▸ offline, upstream cut 4 s │ stored 1,204 · delivered 1,180 · expired 0 · reported-pending 12 · waiting for the cloud 24`,
      `${CLEAR}${live}`,
      `${CLEAR}  module filter killed\n${live}`,
    ]);
    narrator.finish(['summary']);
    expect(out.written.slice(3)).toEqual([CLEAR, 'summary\n']);
  });

  it('cuts the counters line to the terminal width, so it never wraps (and takes an unknown width as 80)', () => {
    for (const [columns, width] of [[40, 39], [0, 79]] as const) {
      const out = recorder();
      liveNarrator({ write: out.write, color: false }, () => columns).progress({ phase: 'resync', hub: hub() });
      const line = out.written[0]!.slice(CLEAR.length);
      expect([...line]).toHaveLength(width);
      expect(line.endsWith('…')).toBe(true);
    }
  });

  it('colours the marks only when asked', () => {
    const check = { step: 'sync', title: 'the modules connect to the hub', state: 'failed' } as const;
    expect(checkLine({ ...check, detail: 'sensor did not' }, false)).toBe('  ✗ FAILED the modules connect to the hub: sensor did not');
    expect(checkLine(check, true)).toBe('  \u001b[31m✗ FAILED\u001b[0m the modules connect to the hub');
  });
});

describe('the counters', () => {
  it('are the four the hub counts, then what waits for the cloud', () => {
    expect(countersText(hub({ reportedPending: 0, waitingForCloud: 0 }))).toBe('stored 1,204 · delivered 1,180 · expired 0 · reported-pending 0 · waiting for the cloud 0');
  });

  it('count with the right noun', () => {
    expect([counted(1, 'alert'), counted(2, 'alert'), counted(1, 'patch', 'patches'), counted(12345, 'message')]).toEqual(['1 alert', '2 alerts', '1 patch', '12,345 messages']);
  });
});
