// The fault tests' judgement (support/delivery-check.ts) must itself catch each kind of failure:
// a lost acknowledged message, a message never sent, first arrivals out of order, and a duplicate
// no fault explains or more of them than a fault can cause; and must let through what
// at-least-once delivery allows.
import { describe, expect, it } from 'vitest';
import type { PublishedRecord } from './support/acked-publisher.js';
import { arrivalsOf, checkDelivery, RESENDS_AFTER_KILL, RESENDS_AFTER_LINK_FAULT, type Arrival } from './support/delivery-check.js';
import type { CloudMessage } from '../../src/runtime/cloud/service-client.js';

function record(acked: number[], options: { sent?: number; inFlightAtFault?: number[] } = {}): PublishedRecord {
  return { identity: 'child', sent: options.sent ?? acked.length, acked, inFlightAtFault: new Set(options.inFlightAtFault ?? []), losses: 0 };
}

function arrived(...pairs: [seq: number, atMs: number][]): Arrival[] {
  return pairs.map(([seq, atMs]) => ({ identity: 'child', seq, atMs }));
}

/** Messages `from` .. `to - 1`, one a millisecond from `atMs`. */
function run(from: number, to: number, atMs: number): [seq: number, atMs: number][] {
  return Array.from({ length: to - from }, (_, index) => [from + index, atMs + index]);
}

describe('delivery check', () => {
  it('passes every acknowledged message arriving once, in order', () => {
    expect(checkDelivery([record([0, 1, 2])], arrived([0, 10], [1, 11], [2, 12])).violations).toEqual([]);
  });

  it('finds an acknowledged message that never arrived', () => {
    expect(checkDelivery([record([0, 1, 2])], arrived([0, 10], [2, 12])).violations).toEqual(['child: 1 acknowledged messages never arrived: 1']);
  });

  it('lets an unacknowledged message be missing, but not one never sent arrive', () => {
    expect(checkDelivery([record([0], { sent: 2 })], arrived([0, 10])).violations).toEqual([]);
    expect(checkDelivery([record([0], { sent: 1 })], arrived([0, 10], [1, 11])).violations).toEqual(['child: message 1 arrived but was never sent (1 sent)']);
  });

  it('finds first arrivals out of order, but not a repeat of an earlier one', () => {
    expect(checkDelivery([record([0, 1, 2])], arrived([0, 10], [2, 11], [1, 12])).violations).toContain('child: first arrivals out of order: 1 came after 2');
    const repeated = checkDelivery([record([0, 1, 2], { inFlightAtFault: [0, 1] })], arrived([0, 10], [1, 11], [0, 12], [1, 13], [2, 14]));
    expect(repeated.violations).toEqual([]);
    expect(repeated).toMatchObject({ duplicates: 2, explainedByDevice: 2 });
  });

  it('explains a duplicate by a lost device PUBACK or by an upstream fault between the copies, and nothing else', () => {
    expect(checkDelivery([record([0, 1])], arrived([0, 10], [1, 11], [1, 5000])).violations).toEqual([
      'child: message 1 arrived again at 1970-01-01T00:00:05.000Z (before that at 1970-01-01T00:00:00.011Z) though its PUBACK came and no upstream fault came between',
    ]);
    const cut = checkDelivery([record([0, 1])], arrived([0, 10], [1, 11], [1, 5000]), { upstreamFaultsMs: [3000] });
    expect(cut).toMatchObject({ violations: [], duplicates: 1, explainedByUpstream: 1 });
    // A fault long before the first copy explains nothing.
    expect(checkDelivery([record([0, 1])], arrived([0, 10_000], [1, 11_000], [1, 15_000]), { upstreamFaultsMs: [3000], faultSlackMs: 2000 }).violations).toHaveLength(1);
  });

  it('refuses copies stored just after their first, however often faults come (review 16, P8)', () => {
    // A kill every 1.3 s, a message every 120 ms, each stored again 10 ms later with no kill between.
    const kills = Array.from({ length: 10 }, (_, index) => 10_000 + index * 1_300);
    const pairs = Array.from({ length: 100 }, (_, seq): [number, number][] => [[seq, 10_000 + seq * 120], [seq, 10_000 + seq * 120 + 10]]).flat();
    const verdict = checkDelivery([record(run(0, 100, 0).map(([seq]) => seq))], arrived(...pairs), { upstreamFaultsMs: kills, resendsPerFault: RESENDS_AFTER_KILL });
    // Only a copy right at a kill (its first stored before anything was sent again) can be one it caused.
    expect(verdict.explainedByUpstream).toBeLessThanOrEqual(kills.length);
    expect(verdict.violations.length).toBe(100 - verdict.explainedByUpstream);
  });

  it('lets a copy on its way at a fault be stored after it, but not after what was sent again', () => {
    // 0..9 stored before the cut at 1000, 10..11 stored just after it (on their way), 5..11 sent again from 1500.
    const late = arrived(...run(0, 10, 900), [10, 1001], [11, 1002], ...run(5, 12, 1500));
    expect(checkDelivery([record(run(0, 12, 0).map(([seq]) => seq))], late, { upstreamFaultsMs: [1000] })).toMatchObject({ violations: [], duplicates: 7, explainedByUpstream: 7 });
    // 11 stored after 10 was sent again (10's copy before came after the cut too, so this one came
    // on a new connection): the old connection had ended; only a later fault could send 11 again.
    const afterResend = arrived(...run(0, 10, 900), [10, 1001], [10, 1500], [11, 1501], [11, 1502]);
    expect(checkDelivery([record(run(0, 12, 0).map(([seq]) => seq))], afterResend, { upstreamFaultsMs: [1000] }).violations).toEqual([
      'child: message 11 arrived again at 1970-01-01T00:00:01.502Z (before that at 1970-01-01T00:00:01.501Z) though its PUBACK came and no upstream fault came between',
    ]);
  });

  it('lets a kill cause a burst of copies up to what the hub can send again, and no more', () => {
    // 0..299 stored before the kill at 10,000 and 300..309 after it (on their way); then the new
    // life sends again the unacknowledged tail (its last `resent`, at most 310), then new ones up to 399.
    const burst = (resent: number) => arrived(...run(0, 300, 9_000), ...run(300, 310, 10_001), ...run(310 - resent, 400, 10_500));
    const acked = run(0, 400, 0).map(([seq]) => seq);
    const options = { upstreamFaultsMs: [10_000], resendsPerFault: RESENDS_AFTER_KILL };
    expect(checkDelivery([record(acked)], burst(RESENDS_AFTER_KILL), options)).toMatchObject({ violations: [], duplicates: RESENDS_AFTER_KILL, explainedByUpstream: RESENDS_AFTER_KILL, neededResendsPerFault: RESENDS_AFTER_KILL });
    expect(checkDelivery([record(acked)], burst(RESENDS_AFTER_KILL + 1), options).violations).toEqual([
      `child: 1 copies more than the upstream faults between can cause (${RESENDS_AFTER_KILL} per identity per fault), the first: message 309 again at ${new Date(10_500 + RESENDS_AFTER_KILL).toISOString()} (before that at 1970-01-01T00:00:10.010Z)`,
    ]);
    // A cut, where the hub lives on, sends again its window at most.
    const overWindow = RESENDS_AFTER_KILL - RESENDS_AFTER_LINK_FAULT;
    expect(checkDelivery([record(acked)], burst(RESENDS_AFTER_KILL), { upstreamFaultsMs: [10_000] }).violations).toEqual([
      expect.stringMatching(new RegExp(`^child: ${overWindow} copies more than the upstream faults between can cause \\(${RESENDS_AFTER_LINK_FAULT} per identity per fault\\)`)),
    ]);
  });

  it('shares copies among the faults that could each have caused them', () => {
    // Copies whose first came before both cuts: either cut may have caused each of them.
    const copies = (count: number) => arrived(...run(0, count, 500), ...run(0, count, 2500));
    const acked = (count: number) => run(0, count, 0).map(([seq]) => seq);
    expect(checkDelivery([record(acked(200))], copies(200), { upstreamFaultsMs: [1000, 2000] })).toMatchObject({ violations: [], neededResendsPerFault: 100 });
    expect(checkDelivery([record(acked(201))], copies(201), { upstreamFaultsMs: [1000, 2000] }).violations).toHaveLength(1);
  });

  it('does not bound the copies of messages in flight when a device lost its connection', () => {
    const many = arrived(...run(0, 300, 0), ...run(0, 300, 1000), ...run(0, 300, 2000));
    const inFlight = run(0, 300, 0).map(([seq]) => seq);
    expect(checkDelivery([record(inFlight, { inFlightAtFault: inFlight })], many)).toMatchObject({ violations: [], duplicates: 600, explainedByDevice: 600 });
  });

  it('finds messages of an identity that published nothing', () => {
    expect(checkDelivery([record([])], [{ identity: 'stranger', seq: 0, atMs: 1 }]).violations).toEqual(['stranger: 1 messages arrived from an identity that published nothing']);
  });

  it('reads the number and identity from the emulator messages of its run only', () => {
    const message = (deviceId: string, moduleId: string | null, properties: Record<string, string>): CloudMessage => ({ sequenceNumber: 1, deviceId, moduleId, body: '', properties, systemProperties: {}, enqueuedTimeUtc: '2026-01-01T00:00:00.000Z' });
    expect(arrivalsOf([message('d', null, { run: 'r', seq: '4' }), message('d', 'm', { run: 'r', seq: '5' }), message('d', null, { run: 'other', seq: '6' }), message('d', null, { run: 'r' })], 'r')).toEqual([
      { identity: 'd', seq: 4, atMs: Date.parse('2026-01-01T00:00:00.000Z') },
      { identity: 'd/m', seq: 5, atMs: Date.parse('2026-01-01T00:00:00.000Z') },
    ]);
  });
});
