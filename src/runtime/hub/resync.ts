// The ordered resync after a reconnect, as the IoT Edge offline documentation describes it: each
// time the upstream link becomes connected, one round of four steps, each starting when the one
// before has ended: the messages stored before the round went up (or expired), the pending
// reported properties were sent, each subscribed client got what changed in its desired
// properties, and the device scope was read again. The link going down interrupts a round and
// ends its work; the next connect starts a new one from the first step. A token renewal of the
// hub's own connection (connected, connecting, connected: upstream-connection.ts) is no
// reconnect, as it is none for edgeHub: a lost connection goes disconnected (or cut) first. A
// step that fails otherwise is marked so, and the round goes on. No I/O here: the parts are
// reached through the small interfaces below.
import type { UpstreamState } from './hub-types.js';
import type { UpstreamMark } from './upstream/upstream-pump.js';
import type { ScopeRefreshOutcome } from './identity/scope-refresher.js';

export type ResyncStepName = 'messages' | 'reported' | 'desired' | 'scope';

export interface ResyncStepView {
  step: ResyncStepName;
  state: 'pending' | 'running' | 'done' | 'failed' | 'interrupted';
  /** ISO 8601. */
  startedAt?: string;
  finishedAt?: string;
  /** messages: entries delivered in the step; reported: patches accepted; desired: clients given a patch; scope: identities in the scope after the read. */
  count: number;
  /** One line, e.g. "2 added, 1 removed", or why it failed. */
  detail?: string;
}

export interface ResyncView {
  /** How many rounds have begun since the hub started (0: never connected). */
  round: number;
  /** never-connected | running | done | waiting (a round was interrupted, or the link is down after a done round) */
  state: 'never-connected' | 'running' | 'done' | 'waiting';
  /** Always the four, in order. */
  steps: ResyncStepView[];
}

/** The parts a round drives, narrowed to what it needs (the pump, the twin service, the scope refresher). */
export interface ResyncParts {
  link: { readonly state: UpstreamState; onStateChange(listener: (state: UpstreamState) => void): () => void };
  messages: { mark(): UpstreamMark; deliveredThrough(mark: UpstreamMark, options: { signal: AbortSignal }): Promise<number> };
  twins: { sendPendingReported(work: { signal: AbortSignal }): Promise<number>; reconcileDesired(work: { signal: AbortSignal }): Promise<number> };
  scope: { refreshWithOutcome(): Promise<ScopeRefreshOutcome> };
  log(line: string): void;
  now?: () => number;
}

export const RESYNC_STEPS: readonly ResyncStepName[] = ['messages', 'reported', 'desired', 'scope'];

interface StepOutcome {
  count: number;
  detail?: string;
}

interface Round {
  number: number;
  steps: ResyncStepView[];
  /** Aborted when the link goes down or the hub stops: the round ends where it is. */
  stopping: AbortController;
  /** Taken when the round begins: the messages step waits for what was stored before it. */
  mark: UpstreamMark;
}

export class Resync {
  private round: Round | undefined;
  private rounds = 0;
  private state: ResyncView['state'] = 'never-connected';
  private linkUp = false;
  private readonly stopWatch: () => void;
  private stopped = false;

  constructor(private readonly parts: ResyncParts) {
    this.stopWatch = parts.link.onStateChange((state) => this.onLinkState(state));
    if (parts.link.state === 'connected') queueMicrotask(() => this.onLinkState(parts.link.state));
  }

  /** Whether the last round ran to its end and the link stayed up since: the twin service may sync on its own. */
  get completed(): boolean {
    return this.state === 'done';
  }

  view(): ResyncView {
    const steps = this.round?.steps ?? freshSteps();
    return { round: this.rounds, state: this.state, steps: steps.map((step) => ({ ...step })) };
  }

  /** Stops watching the link and ends a round under way (the hub is closing). */
  stop(): void {
    this.stopped = true;
    this.stopWatch();
    this.round?.stopping.abort(new Error('the hub is stopping'));
  }

  private onLinkState(state: UpstreamState): void {
    // Between down and up (a retry), or a planned reconnect while up (a token renewal): no change.
    if (this.stopped || state === 'connecting') return;
    const up = state === 'connected';
    if (up === this.linkUp) return;
    this.linkUp = up;
    if (up) {
      void this.run(this.begin());
      return;
    }
    const round = this.round;
    if (round === undefined) return;
    round.stopping.abort(new Error(`the upstream is ${state}`));
    const running = round.steps.find((step) => step.state === 'running');
    if (running !== undefined) {
      Object.assign(running, { state: 'interrupted', finishedAt: this.timestamp(), detail: `the upstream went ${state}` });
      this.parts.log(`resync ${round.number}: ${running.step} interrupted, the upstream is ${state}; the next connect starts a new round`);
    }
    this.state = 'waiting';
  }

  private begin(): Round {
    this.rounds += 1;
    this.state = 'running';
    this.round?.stopping.abort(new Error('a new round began'));
    const round: Round = { number: this.rounds, steps: freshSteps(), stopping: new AbortController(), mark: this.parts.messages.mark() };
    this.round = round;
    return round;
  }

  private async run(round: Round): Promise<void> {
    const { messages, twins, scope } = this.parts;
    const signal = round.stopping.signal;
    await this.step(round, 'messages', async () => {
      const delivered = await messages.deliveredThrough(round.mark, { signal });
      return { count: delivered };
    });
    await this.step(round, 'reported', async () => ({ count: await twins.sendPendingReported({ signal }) }));
    await this.step(round, 'desired', async () => ({ count: await twins.reconcileDesired({ signal }) }));
    await this.step(round, 'scope', async () => {
      const outcome = await scope.refreshWithOutcome();
      if (!outcome.ok) throw new Error(outcome.reason);
      return { count: outcome.identities, detail: `${outcome.added} added, ${outcome.removed} removed` };
    });
    if (!signal.aborted && this.round === round) this.state = 'done';
  }

  /** Runs one step unless the round was ended; a failure is recorded and the round goes on. */
  private async step(round: Round, name: ResyncStepName, work: () => Promise<StepOutcome>): Promise<void> {
    const signal = round.stopping.signal;
    if (signal.aborted) return;
    const view = round.steps.find((step) => step.step === name)!;
    Object.assign(view, { state: 'running', startedAt: this.timestamp() });
    let outcome: StepOutcome | Error;
    try {
      outcome = await untilAborted(work(), signal);
    } catch (error) {
      outcome = error instanceof Error ? error : new Error(String(error));
    }
    // Interrupted meanwhile: onLinkState has marked the step already.
    if (signal.aborted) return;
    view.finishedAt = this.timestamp();
    if (outcome instanceof Error) {
      Object.assign(view, { state: 'failed', detail: oneLine(outcome.message) });
      this.parts.log(`resync ${round.number}: ${name} failed: ${view.detail}`);
      return;
    }
    Object.assign(view, { state: 'done', count: outcome.count }, outcome.detail === undefined ? {} : { detail: outcome.detail });
    this.parts.log(`resync ${round.number}: ${name} done, ${summary(name, outcome)}`);
  }

  private timestamp(): string {
    return new Date((this.parts.now ?? Date.now)()).toISOString();
  }
}

function freshSteps(): ResyncStepView[] {
  return RESYNC_STEPS.map((step) => ({ step, state: 'pending', count: 0 }));
}

/** What a finished step did, for the log: "1,204 delivered", "50 patches accepted", … */
function summary(name: ResyncStepName, outcome: StepOutcome): string {
  const count = outcome.count.toLocaleString('en-US');
  const noun = (one: string, many: string) => (outcome.count === 1 ? one : many);
  switch (name) {
    case 'messages':
      return `${count} delivered`;
    case 'reported':
      return `${count} ${noun('patch', 'patches')} accepted`;
    case 'desired':
      return `${count} ${noun('client', 'clients')} given a patch`;
    case 'scope':
      return `${count} ${noun('identity', 'identities')} in the scope, ${outcome.detail ?? 'read again'}`;
  }
}

/** A step's work, or the round's end, whichever comes first: a dropped link must not wait for the cloud's timeouts (the work itself stops at its next check of the signal). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
