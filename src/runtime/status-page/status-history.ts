// The status page's chart data: one sample of the hub's status every interval, kept for a window
// of minutes, so a page opened in the middle of an outage still shows how the queue filled.
// Rates are the counters' growth between two samples, per second. A pure function of the
// statuses it is given and their times: tested without a hub or a clock.
import type { HubStatus } from '../hub/index.js';

export interface StatusSample {
  /** 1, 2, 3…: a page asks for the samples after the last one it has. */
  seq: number;
  /** When it was taken (ms since the epoch). */
  atMs: number;
  /** Entries waiting in every queue ($upstream and module inputs). */
  queued: number;
  /** Entries waiting for the cloud alone. */
  queuedUpstream: number;
  /** The oldest waiting entry's age in any queue, whole seconds; 0 when nothing waits. */
  oldestAgeSeconds: number;
  /** Per second since the sample before; 0 for the first one. */
  storedPerSecond: number;
  deliveredPerSecond: number;
  expiredPerSecond: number;
}

type RateCounter = 'stored' | 'delivered' | 'expired';

/** Ten minutes at two samples a second. */
export const DEFAULT_HISTORY_SAMPLES = 1200;

export class StatusHistory {
  private readonly samples: StatusSample[] = [];
  private last: { atMs: number; counters: Record<RateCounter, number> } | undefined;
  private nextSeq = 1;

  constructor(private readonly capacity = DEFAULT_HISTORY_SAMPLES) {}

  record(status: HubStatus, atMs: number): StatusSample {
    const counters = { stored: status.counters.stored, delivered: status.counters.delivered, expired: status.counters.expired };
    const rate = (name: RateCounter): number => {
      if (this.last === undefined || atMs <= this.last.atMs) return 0;
      // A counter never falls while the hub runs; max() keeps a chart sane if one ever did.
      return roundTo2(Math.max(0, counters[name] - this.last.counters[name]) / ((atMs - this.last.atMs) / 1000));
    };
    const sample: StatusSample = {
      seq: this.nextSeq++,
      atMs,
      queued: sum(status.queues.map((queue) => queue.depth)),
      queuedUpstream: sum(status.queues.filter((queue) => queue.endpoint === '$upstream').map((queue) => queue.depth)),
      oldestAgeSeconds: Math.max(0, ...status.queues.map((queue) => queue.oldestAgeSeconds)),
      storedPerSecond: rate('stored'),
      deliveredPerSecond: rate('delivered'),
      expiredPerSecond: rate('expired'),
    };
    this.last = { atMs, counters };
    this.samples.push(sample);
    if (this.samples.length > this.capacity) this.samples.splice(0, this.samples.length - this.capacity);
    return sample;
  }

  /** The samples taken after `seq`, oldest first (all kept ones for 0, or for a seq from another run). */
  after(seq: number): StatusSample[] {
    const newest = this.samples.at(-1)?.seq ?? 0;
    if (seq > newest) return [...this.samples];
    return this.samples.filter((sample) => sample.seq > seq);
  }
}

function sum(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

function roundTo2(value: number): number {
  return Math.round(value * 100) / 100;
}
