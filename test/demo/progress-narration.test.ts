// The drain of the backlog after the restore, as the demo's narrators show it: on a terminal a
// cli-progress bar in the live counters line's place (stored messages sent up of those held at
// the restore), which a line of narration or the end of the drain clears, the counters line coming
// back; piped, nothing. And what the drain is from the hub's status (backlog-drain.ts).
import { describe, expect, it } from 'vitest';
import { drainView } from '../../src/demo/offline/backlog-drain.js';
import type { HubProgress } from '../../src/demo/offline/hub-progress.js';
import { liveNarrator, plainNarrator } from '../../src/demo/offline/narration.js';
import type { ResyncStepView } from '../../src/runtime/hub/resync.js';

const CLEAR = '\r\u001b[2K';
const ERASE_LINE = '\u001b[2K';

function hub(waitingForCloud: number, round = 1, messages?: ResyncStepView['state']): HubProgress {
  const steps: ResyncStepView[] = messages === undefined ? [] : [{ step: 'messages', state: messages, count: 0 }];
  return { upstream: 'connected', clients: new Map(), waitingForCloud, stored: 1300, delivered: 1180, expired: 0, reportedPending: 0, resync: { round, state: 'running', steps } };
}

function recorder(): { written: string[]; write: (text: string) => void } {
  const written: string[] = [];
  return { written, write: (text) => void written.push(text) };
}

describe('the drain on a terminal', () => {
  it('draws a bar in the counters line\'s place, holds the counters back, and clears it at the next line', () => {
    const out = recorder();
    const narrator = liveNarrator({ write: out.write, color: false }, () => 200);
    narrator.progress({ phase: 'reconnected, resyncing 0 s', hub: hub(1204) });
    const counters = out.written.join('');
    narrator.drain({ sent: 0, backlog: 1204 });
    // The counters line is erased before the bar is drawn.
    expect(out.written[1]).toBe(CLEAR);
    expect(out.written.join('')).toContain(`  ▸ draining ${'░'.repeat(20)} 0% │ 0 of 1,204 stored messages sent up`);
    const drawn = out.written.length;
    narrator.progress({ phase: 'reconnected, resyncing 1 s', hub: hub(600) });
    expect(out.written.length).toBe(drawn);

    narrator.drain({ sent: 1204, backlog: 1204 });
    narrator.say('hub status: resync 2: messages done, 1,204 messages delivered in 0.4 s');
    const text = out.written.join('').slice(counters.length);
    const full = `  ▸ draining ${'█'.repeat(20)} 100% │ 1,204 of 1,204 stored messages sent up`;
    expect(text).toContain(full);
    // The bar's line is erased, then the narration goes on with the counters line under it.
    const said = `${CLEAR}  hub status: resync 2: messages done, 1,204 messages delivered in 0.4 s\n  ▸ reconnected, resyncing 1 s │ stored 1,300 · delivered 1,180 · expired 0 · reported-pending 0 · waiting for the cloud 600`;
    expect(text.endsWith(said)).toBe(true);
    expect(text.slice(text.lastIndexOf(full), -said.length).endsWith(ERASE_LINE)).toBe(true);
  });

  it('ends the bar without a line too, bringing the counters line back at once', () => {
    const out = recorder();
    const narrator = liveNarrator({ write: out.write, color: false }, () => 200);
    narrator.progress({ phase: 'resyncing', hub: hub(3) });
    narrator.drain({ sent: 1, backlog: 3 });
    narrator.drain(undefined);
    expect(out.written.at(-1)).toBe(`${CLEAR}  ▸ resyncing │ stored 1,300 · delivered 1,180 · expired 0 · reported-pending 0 · waiting for the cloud 3`);
    // Ending a drain that is not shown writes nothing.
    const count = out.written.length;
    narrator.drain(undefined);
    expect(out.written.length).toBe(count);
  });

  it('keeps the bar within the terminal, so it never wraps', () => {
    const out = recorder();
    const narrator = liveNarrator({ write: out.write, color: false }, () => 50);
    narrator.drain({ sent: 500, backlog: 1_000_000 });
    narrator.finish([]);
    const frames = out.written.join('').split('\u001b[1G').map((part) => part.split('\u001b')[0]!).filter((part) => part.startsWith('  ▸ draining'));
    expect(frames.length).toBeGreaterThan(0);
    for (const frame of frames) expect(frame.length).toBeLessThanOrEqual(49);
  });
});

describe('the drain piped', () => {
  it('shows nothing', () => {
    const out = recorder();
    const narrator = plainNarrator({ write: out.write, color: false });
    narrator.drain({ sent: 0, backlog: 1204 });
    narrator.drain(undefined);
    expect(out.written).toEqual([]);
  });
});

describe('the drain from the hub status', () => {
  it('counts the backlog held at the restore as sent as the queue for the cloud shrinks', () => {
    expect(drainView(1204, hub(1204, 1), 1)).toEqual({ sent: 0, backlog: 1204 });
    expect(drainView(1204, hub(500, 2, 'running'), 1)).toEqual({ sent: 704, backlog: 1204 });
    // Messages stored since the restore join the queue: never less than none sent.
    expect(drainView(1204, hub(1300, 2, 'running'), 1)).toEqual({ sent: 0, backlog: 1204 });
  });

  it('is all sent once the round\'s messages step is done, and not shown when it failed or there is no backlog', () => {
    expect(drainView(1204, hub(12, 2, 'done'), 1)).toEqual({ sent: 1204, backlog: 1204 });
    expect(drainView(1204, hub(1204, 2, 'failed'), 1)).toBeUndefined();
    expect(drainView(1204, hub(1204, 2, 'interrupted'), 1)).toBeUndefined();
    expect(drainView(0, hub(0, 1), 1)).toBeUndefined();
    // A step of the round before the restore does not count.
    expect(drainView(1204, hub(1204, 1, 'done'), 1)).toEqual({ sent: 0, backlog: 1204 });
  });
});
