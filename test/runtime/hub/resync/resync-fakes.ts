// Stand-ins for the parts a resync round drives: a link whose state the test sets, and a pump,
// twin service and scope refresher whose every call waits until the test settles it, so a test
// sees exactly which step is running and decides how each one ends.
import type { UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import type { ScopeRefreshOutcome } from '../../../../src/runtime/hub/identity/scope-refresher.js';
import type { ResyncParts } from '../../../../src/runtime/hub/resync.js';
import type { UpstreamMark } from '../../../../src/runtime/hub/upstream/upstream-pump.js';

export class FakeLinkState {
  state: UpstreamState = 'connecting';
  private readonly listeners = new Set<(state: UpstreamState) => void>();

  onStateChange(listener: (state: UpstreamState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  set(state: UpstreamState): void {
    this.state = state;
    for (const listener of [...this.listeners]) listener(state);
  }

  get listening(): number {
    return this.listeners.size;
  }
}

/** One call to a part, settled by the test. */
export interface PendingCall<T> {
  part: string;
  resolve(value: T): void;
  reject(error: Error): void;
  /** For the messages wait: the mark it was given; for it and the twins' work: whether the signal aborted. */
  mark?: UpstreamMark;
  signal?: AbortSignal;
}

/** The calls the round made, in order; each stays open until the test settles it. */
export class FakeParts {
  readonly link = new FakeLinkState();
  readonly calls: PendingCall<unknown>[] = [];
  readonly lines: string[] = [];
  marks = 0;
  /** What mark() answers next. */
  nextMark: UpstreamMark = new Map([[0, 10]]);
  nowMs = Date.parse('2025-03-01T12:00:00Z');

  parts(): ResyncParts {
    return {
      link: this.link,
      messages: {
        mark: () => {
          this.marks += 1;
          return this.nextMark;
        },
        deliveredThrough: (mark, { signal }) => this.call<number>('messages', { mark, signal }),
      },
      twins: {
        sendPendingReported: ({ signal }) => this.call<number>('reported', { signal }),
        reconcileDesired: ({ signal }) => this.call<number>('desired', { signal }),
      },
      scope: { refreshWithOutcome: () => this.call<ScopeRefreshOutcome>('scope') },
      log: (line) => this.lines.push(line),
      // Each reading of the clock is a second later, so a step's finishedAt and the next one's startedAt can be told apart.
      now: () => (this.nowMs += 1000),
    };
  }

  /** The names of the parts called so far, in order. */
  get called(): string[] {
    return this.calls.map((call) => call.part);
  }

  /** The last call, which must be to `part`. */
  last<T>(part: string): PendingCall<T> {
    const call = this.calls.at(-1);
    if (call?.part !== part) throw new Error(`expected the last call to be ${part}, the calls were ${this.called.join(', ')}`);
    return call as PendingCall<T>;
  }

  private call<T>(part: string, extra: { mark?: UpstreamMark; signal?: AbortSignal } = {}): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.calls.push({ part, resolve: resolve as (value: unknown) => void, reject, ...extra });
    });
  }
}

/** Lets the promise callbacks queued so far run. */
export async function settle(): Promise<void> {
  for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
}
