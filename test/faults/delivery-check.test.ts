// The fault tests' judgement (support/delivery-check.ts) must itself catch each kind of failure:
// a lost acknowledged message, a message never sent, first arrivals out of order, and a duplicate
// no fault explains; and must let through what at-least-once delivery allows.
import { describe, expect, it } from 'vitest';
import type { PublishedRecord } from './support/acked-publisher.js';
import { arrivalsOf, checkDelivery, type Arrival } from './support/delivery-check.js';
import type { CloudMessage } from '../../src/runtime/cloud/service-client.js';

function record(acked: number[], options: { sent?: number; inFlightAtFault?: number[] } = {}): PublishedRecord {
  return { identity: 'child', sent: options.sent ?? acked.length, acked, inFlightAtFault: new Set(options.inFlightAtFault ?? []), losses: 0 };
}

function arrived(...pairs: [seq: number, atMs: number][]): Arrival[] {
  return pairs.map(([seq, atMs]) => ({ identity: 'child', seq, atMs }));
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
      'child: message 1 arrived again at 1970-01-01T00:00:05.000Z (first at 1970-01-01T00:00:00.011Z) though its PUBACK came and no upstream fault came between',
    ]);
    const cut = checkDelivery([record([0, 1])], arrived([0, 10], [1, 11], [1, 5000]), { upstreamFaultsMs: [3000] });
    expect(cut).toMatchObject({ violations: [], duplicates: 1, explainedByUpstream: 1 });
    // A fault long before the first copy explains nothing.
    expect(checkDelivery([record([0, 1])], arrived([0, 10_000], [1, 11_000], [1, 15_000]), { upstreamFaultsMs: [3000], faultSlackMs: 2000 }).violations).toHaveLength(1);
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
