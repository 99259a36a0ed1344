// The status page's chart data: what one sample holds (queue depths, the oldest age, rates from
// the counters' growth), the window it keeps, and the samples a poll gets after the last it has.
import { describe, expect, it } from 'vitest';
import { StatusHistory } from '../../../src/runtime/status-page/status-history.js';
import { hubStatusWith as status } from './fake-hub.js';

const UPSTREAM_HIGH = { endpoint: '$upstream', priority: 0, depth: 40, oldestAgeSeconds: 12 };
const UPSTREAM_LOW = { endpoint: '$upstream', priority: 2_000_000_000, depth: 60, oldestAgeSeconds: 30 };
const MODULE_INPUT = { endpoint: '/modules/filter/inputs/readings', priority: 2_000_000_000, depth: 5, oldestAgeSeconds: 3 };

describe('StatusHistory', () => {
  it('sums the depth of every queue, and of the cloud\'s alone, and takes the oldest age of any', () => {
    const sample = new StatusHistory().record(status([UPSTREAM_HIGH, UPSTREAM_LOW, MODULE_INPUT]), 1_000);
    expect(sample).toMatchObject({ seq: 1, atMs: 1_000, queued: 105, queuedUpstream: 100, oldestAgeSeconds: 30 });
  });

  it('shows nothing waiting and age 0 for a hub without queues', () => {
    expect(new StatusHistory().record(status([]), 1_000)).toMatchObject({ queued: 0, queuedUpstream: 0, oldestAgeSeconds: 0 });
  });

  it('gives rates per second from the counters\' growth since the sample before, 0 for the first', () => {
    const history = new StatusHistory();
    expect(history.record(status([], { stored: 100, delivered: 50, expired: 7 }), 10_000)).toMatchObject({ storedPerSecond: 0, deliveredPerSecond: 0, expiredPerSecond: 0 });
    // 500 ms later: 60 more stored, 5 more delivered, none expired.
    expect(history.record(status([], { stored: 160, delivered: 55, expired: 7 }), 10_500)).toMatchObject({ storedPerSecond: 120, deliveredPerSecond: 10, expiredPerSecond: 0 });
    // 3 s later: 1 more stored is a third a second, rounded to hundredths.
    expect(history.record(status([], { stored: 161, delivered: 55, expired: 10 }), 13_500)).toMatchObject({ storedPerSecond: 0.33, expiredPerSecond: 1 });
  });

  it('keeps the newest samples up to its capacity', () => {
    const history = new StatusHistory(3);
    for (let index = 1; index <= 5; index++) history.record(status([]), index * 500);
    expect(history.after(0).map((sample) => sample.seq)).toEqual([3, 4, 5]);
  });

  it('gives a poll the samples after the last one it has', () => {
    const history = new StatusHistory();
    for (let index = 1; index <= 4; index++) history.record(status([]), index * 500);
    expect(history.after(2).map((sample) => sample.seq)).toEqual([3, 4]);
    expect(history.after(4)).toEqual([]);
    // A number this run never gave (a page of an earlier run): everything kept.
    expect(history.after(99).map((sample) => sample.seq)).toEqual([1, 2, 3, 4]);
  });
});
