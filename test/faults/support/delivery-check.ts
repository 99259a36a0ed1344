// The judgement every fault test ends with, on what the publishers saw and what reached the
// emulator: (1) every acknowledged message arrived; (2) nothing arrived that was never sent;
// (3) per identity, first arrivals keep the order they were sent in; (4) a message arrived more
// than once only where an acknowledgement was not received: the device's PUBACK was lost (it was
// in flight when its connection to the hub was lost), or the hub's upstream PUBACK was lost (a
// fault of the upstream, a cut or an emulator restart, came between its first arrival and the
// copy). It returns the violations as lines, so a failure says what went wrong and where.
import type { CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import type { PublishedRecord } from './acked-publisher.js';

export interface Arrival {
  identity: string;
  seq: number;
  /** When the emulator stored it (its enqueuedTimeUtc). */
  atMs: number;
}

export interface DeliveryOptions {
  /** Moments (Date.now()) of upstream faults: cuts of the link, emulator stops. */
  upstreamFaultsMs?: readonly number[];
  /**
   * How much earlier than a fault a copy may have been stored and still count as in flight at it:
   * the emulator may store what was already in its socket after the fault was injected, on a busy
   * event loop even a while after.
   */
  faultSlackMs?: number;
}

export interface DeliveryVerdict {
  violations: string[];
  arrivals: number;
  duplicates: number;
  /** Duplicates explained by a lost device-side PUBACK, and by an upstream fault. */
  explainedByDevice: number;
  explainedByUpstream: number;
}

/** Reads `seq` (the publishers' number) from the emulator's messages; other messages are not the test's. */
export function arrivalsOf(messages: readonly CloudMessage[], run: string): Arrival[] {
  return messages
    .filter((message) => message.properties.run === run && message.properties.seq !== undefined)
    .map((message) => ({ identity: message.moduleId === null ? message.deviceId : `${message.deviceId}/${message.moduleId}`, seq: Number(message.properties.seq), atMs: Date.parse(message.enqueuedTimeUtc) }));
}

export function checkDelivery(published: readonly PublishedRecord[], arrivals: readonly Arrival[], options: DeliveryOptions = {}): DeliveryVerdict {
  const faults = [...(options.upstreamFaultsMs ?? [])].sort((a, b) => a - b);
  const slackMs = options.faultSlackMs ?? 2000;
  const violations: string[] = [];
  const verdict: DeliveryVerdict = { violations, arrivals: arrivals.length, duplicates: 0, explainedByDevice: 0, explainedByUpstream: 0 };
  const byIdentity = new Map<string, Arrival[]>();
  for (const arrival of arrivals) {
    const list = byIdentity.get(arrival.identity) ?? [];
    list.push(arrival);
    byIdentity.set(arrival.identity, list);
  }
  for (const identity of byIdentity.keys()) {
    if (!published.some((record) => record.identity === identity)) violations.push(`${identity}: ${byIdentity.get(identity)!.length} messages arrived from an identity that published nothing`);
  }
  for (const record of published) {
    const mine = byIdentity.get(record.identity) ?? [];
    const firstAt = new Map<number, number>();
    const firstOrder: number[] = [];
    for (const arrival of mine) {
      if (!Number.isInteger(arrival.seq) || arrival.seq < 0 || arrival.seq >= record.sent) {
        violations.push(`${record.identity}: message ${arrival.seq} arrived but was never sent (${record.sent} sent)`);
        continue;
      }
      const first = firstAt.get(arrival.seq);
      if (first === undefined) {
        firstAt.set(arrival.seq, arrival.atMs);
        firstOrder.push(arrival.seq);
        continue;
      }
      verdict.duplicates += 1;
      if (record.inFlightAtFault.has(arrival.seq)) verdict.explainedByDevice += 1;
      else if (faultBetween(faults, first - slackMs, arrival.atMs + 5)) verdict.explainedByUpstream += 1;
      else violations.push(`${record.identity}: message ${arrival.seq} arrived again at ${iso(arrival.atMs)} (first at ${iso(first)}) though its PUBACK came and no upstream fault came between`);
    }
    const missing = record.acked.filter((seq) => !firstAt.has(seq));
    if (missing.length > 0) violations.push(`${record.identity}: ${missing.length} acknowledged messages never arrived: ${summarize(missing)}`);
    for (let index = 1; index < firstOrder.length; index++) {
      if (firstOrder[index]! < firstOrder[index - 1]!) violations.push(`${record.identity}: first arrivals out of order: ${firstOrder[index]} came after ${firstOrder[index - 1]}`);
    }
  }
  return verdict;
}

function faultBetween(sortedFaults: readonly number[], fromMs: number, toMs: number): boolean {
  return sortedFaults.some((at) => at >= fromMs && at <= toMs);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function summarize(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted.length <= 10 ? sorted.join(', ') : `${sorted.slice(0, 10).join(', ')} … (${sorted.length})`;
}
