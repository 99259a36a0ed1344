// The resync round against fakes of the link, the pump, the twin service and the refresher: the
// four steps in order, each only once the one before has ended; a link drop interrupts the round
// and the next connect starts a fresh one from the first step; a failed step is recorded and the
// next one still runs; the counts and one log line per finished step.
import { afterEach, describe, expect, it } from 'vitest';
import { Resync, type ResyncView } from '../../../../src/runtime/hub/resync.js';
import { FakeParts, settle, type PendingCall } from './resync-fakes.js';

const rounds: Resync[] = [];
afterEach(() => {
  for (const round of rounds.splice(0)) round.stop();
});

function start(fakes: FakeParts): Resync {
  const resync = new Resync(fakes.parts());
  rounds.push(resync);
  return resync;
}

/** Runs the four steps of a round to their end with these outcomes. */
async function finishRound(fakes: FakeParts, counts: { messages: number; reported: number; desired: number; identities: number }): Promise<void> {
  await settle();
  fakes.last<number>('messages').resolve(counts.messages);
  await settle();
  fakes.last<number>('reported').resolve(counts.reported);
  await settle();
  fakes.last<number>('desired').resolve(counts.desired);
  await settle();
  fakes.last('scope').resolve({ ok: true, identities: counts.identities, added: 2, removed: 1 });
  await settle();
}

describe('the resync round', () => {
  it('has not run before the first connect', () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    expect(resync.view()).toEqual({
      round: 0,
      state: 'never-connected',
      steps: [
        { step: 'messages', state: 'pending', count: 0 },
        { step: 'reported', state: 'pending', count: 0 },
        { step: 'desired', state: 'pending', count: 0 },
        { step: 'scope', state: 'pending', count: 0 },
      ],
    });
    expect(resync.completed).toBe(false);
    expect(fakes.calls).toEqual([]);
  });

  it('runs the four steps in order, each once the one before has ended, and logs each', async () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    fakes.nextMark = new Map([[0, 1204], [2_000_000_000, 7]]);
    fakes.link.set('connected');
    await settle();
    // Only the first step runs, with the mark taken as the round began.
    expect(fakes.called).toEqual(['messages']);
    expect(fakes.last('messages').mark).toEqual(new Map([[0, 1204], [2_000_000_000, 7]]));
    expect(resync.view()).toMatchObject({ round: 1, state: 'running', steps: [{ state: 'running' }, { state: 'pending' }, { state: 'pending' }, { state: 'pending' }] });
    expect(resync.completed).toBe(false);

    fakes.last<number>('messages').resolve(1204);
    await settle();
    expect(fakes.called).toEqual(['messages', 'reported']);
    fakes.last<number>('reported').resolve(50);
    await settle();
    expect(fakes.called).toEqual(['messages', 'reported', 'desired']);
    fakes.last<number>('desired').resolve(2);
    await settle();
    expect(fakes.called).toEqual(['messages', 'reported', 'desired', 'scope']);
    expect(resync.completed).toBe(false);
    fakes.last('scope').resolve({ ok: true, identities: 9, added: 2, removed: 1 });
    await settle();

    const view = resync.view();
    expect(view.round).toBe(1);
    expect(view.state).toBe('done');
    expect(resync.completed).toBe(true);
    expect(view.steps.map(({ step, state, count, detail }) => ({ step, state, count, detail }))).toEqual([
      { step: 'messages', state: 'done', count: 1204, detail: undefined },
      { step: 'reported', state: 'done', count: 50, detail: undefined },
      { step: 'desired', state: 'done', count: 2, detail: undefined },
      { step: 'scope', state: 'done', count: 9, detail: '2 added, 1 removed' },
    ]);
    expectInOrder(view);
    expect(fakes.lines).toEqual([
      'resync 1: messages done, 1,204 delivered',
      'resync 1: reported done, 50 patches accepted',
      'resync 1: desired done, 2 clients given a patch',
      'resync 1: scope done, 9 identities in the scope, 2 added, 1 removed',
    ]);
  });

  it('marks the running step interrupted when the link drops, and starts again from the first step on the next connect', async () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    fakes.link.set('connected');
    await settle();
    fakes.last<number>('messages').resolve(3);
    await settle();
    const reported = fakes.last<number>('reported');

    fakes.link.set('disconnected');
    const interrupted = resync.view();
    expect(interrupted.state).toBe('waiting');
    expect(interrupted.steps.map((step) => step.state)).toEqual(['done', 'interrupted', 'pending', 'pending']);
    expect(interrupted.steps[1]).toMatchObject({ detail: 'the upstream went disconnected' });
    expect(interrupted.steps[1]!.finishedAt).toBeDefined();
    expect(fakes.lines.at(-1)).toBe('resync 1: reported interrupted, the upstream is disconnected; the next connect starts a new round');
    // What the interrupted step's call answers later changes nothing, and starts no further step.
    reported.resolve(99);
    await settle();
    expect(resync.view()).toEqual(interrupted);
    expect(fakes.called).toEqual(['messages', 'reported']);

    // Reconnecting passes through connecting: still the same interrupted round.
    fakes.link.set('connecting');
    expect(resync.view().round).toBe(1);
    fakes.nextMark = new Map([[0, 42]]);
    fakes.link.set('connected');
    await settle();
    expect(fakes.called).toEqual(['messages', 'reported', 'messages']);
    expect(fakes.last('messages').mark).toEqual(new Map([[0, 42]]));
    expect(resync.view()).toMatchObject({ round: 2, state: 'running', steps: [{ state: 'running' }, { state: 'pending' }, { state: 'pending' }, { state: 'pending' }] });
    await finishRound(fakes, { messages: 5, reported: 1, desired: 0, identities: 4 });
    expect(resync.view()).toMatchObject({ round: 2, state: 'done' });
    expect(resync.view().steps.map((step) => step.count)).toEqual([5, 1, 0, 4]);
    expect(fakes.lines.filter((line) => line.startsWith('resync 2: '))).toHaveLength(4);
  });

  it('aborts the messages wait when the link drops, so the next round does not wait for it', async () => {
    const fakes = new FakeParts();
    start(fakes);
    fakes.link.set('connected');
    await settle();
    const wait = fakes.last('messages');
    expect(wait.signal?.aborted).toBe(false);
    fakes.link.set('cut');
    expect(wait.signal?.aborted).toBe(true);
  });

  it('ends the twins’ work of a round when the link drops: the reported and desired calls get the round’s signal', async () => {
    const fakes = new FakeParts();
    start(fakes);
    fakes.link.set('connected');
    await settle();
    fakes.last<number>('messages').resolve(0);
    await settle();
    const reported = fakes.last('reported');
    expect(reported.signal?.aborted).toBe(false);
    reported.resolve(1);
    await settle();
    const desired = fakes.last('desired');
    expect(desired.signal).toBe(reported.signal);
    fakes.link.set('disconnected');
    expect(desired.signal?.aborted).toBe(true);
  });

  it('goes on through a token renewal of the hub connection (connected, connecting, connected): no interruption, no new round', async () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    fakes.link.set('connected');
    await settle();
    fakes.last<number>('messages').resolve(2);
    await settle();
    const reported = fakes.last<number>('reported');
    fakes.link.set('connecting');
    fakes.link.set('connected');
    await settle();
    expect(reported.signal?.aborted).toBe(false);
    expect(resync.view()).toMatchObject({ round: 1, state: 'running', steps: [{ state: 'done' }, { state: 'running' }, { state: 'pending' }, { state: 'pending' }] });
    await finishRest(fakes, reported);
    expect(resync.view()).toMatchObject({ round: 1, state: 'done' });
    expect(fakes.marks).toBe(1);
    // After the round too: still done, the twin service keeps its own syncing.
    fakes.link.set('connecting');
    fakes.link.set('connected');
    await settle();
    expect(resync.view()).toMatchObject({ round: 1, state: 'done' });
    expect(resync.completed).toBe(true);
    expect(fakes.called).toEqual(['messages', 'reported', 'desired', 'scope']);
  });

  it('records a failed step with a one-line reason and still runs the next ones', async () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    fakes.link.set('connected');
    await settle();
    fakes.last<number>('messages').resolve(0);
    await settle();
    fakes.last('reported').reject(new Error('1 of 2 identities still have reported properties pending (0 patches accepted):\nthe cloud answered 500'));
    await settle();
    expect(fakes.called).toEqual(['messages', 'reported', 'desired']);
    fakes.last('desired').reject(new Error('no answer within 30000 ms'));
    await settle();
    fakes.last('scope').resolve({ ok: false, reason: 'HTTP 503' });
    await settle();

    const view = resync.view();
    // The round ran to its end: the twin service's own retries take over from here.
    expect(view.state).toBe('done');
    expect(resync.completed).toBe(true);
    expect(view.steps.map(({ state, detail }) => ({ state, detail }))).toEqual([
      { state: 'done', detail: undefined },
      { state: 'failed', detail: '1 of 2 identities still have reported properties pending (0 patches accepted): the cloud answered 500' },
      { state: 'failed', detail: 'no answer within 30000 ms' },
      { state: 'failed', detail: 'HTTP 503' },
    ]);
    expectInOrder(view);
    expect(fakes.lines.slice(1)).toEqual([
      'resync 1: reported failed: 1 of 2 identities still have reported properties pending (0 patches accepted): the cloud answered 500',
      'resync 1: desired failed: no answer within 30000 ms',
      'resync 1: scope failed: HTTP 503',
    ]);
  });

  it('is waiting, not done, while the link is down after a finished round, and runs a new round on the next connect', async () => {
    const fakes = new FakeParts();
    const resync = start(fakes);
    fakes.link.set('connected');
    await finishRound(fakes, { messages: 1, reported: 1, desired: 1, identities: 1 });
    expect(resync.completed).toBe(true);
    fakes.link.set('disconnected');
    expect(resync.view()).toMatchObject({ round: 1, state: 'waiting' });
    expect(resync.view().steps.every((step) => step.state === 'done')).toBe(true);
    expect(resync.completed).toBe(false);
    fakes.link.set('connected');
    await settle();
    expect(resync.view()).toMatchObject({ round: 2, state: 'running' });
    expect(fakes.marks).toBe(2);
  });

  it('starts a round when made with the link already connected, and stops watching when stopped', async () => {
    const fakes = new FakeParts();
    fakes.link.state = 'connected';
    const resync = start(fakes);
    await settle();
    expect(fakes.called).toEqual(['messages']);
    resync.stop();
    expect(fakes.link.listening).toBe(0);
    expect(fakes.last('messages').signal?.aborted).toBe(true);
  });
});

/** Ends the round from its reported step on. */
async function finishRest(fakes: FakeParts, reported: PendingCall<number>): Promise<void> {
  reported.resolve(1);
  await settle();
  fakes.last<number>('desired').resolve(0);
  await settle();
  fakes.last('scope').resolve({ ok: true, identities: 1, added: 0, removed: 0 });
  await settle();
}

/** Every step that ran ended before the next one began. */
function expectInOrder(view: ResyncView): void {
  for (let index = 1; index < view.steps.length; index += 1) {
    const before = view.steps[index - 1]!;
    const after = view.steps[index]!;
    expect(Date.parse(before.finishedAt!)).toBeLessThanOrEqual(Date.parse(after.startedAt!));
    expect(Date.parse(after.startedAt!)).toBeLessThanOrEqual(Date.parse(after.finishedAt!));
  }
}
