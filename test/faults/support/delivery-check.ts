// The judgement every fault test ends with, on what the publishers saw and what reached the
// emulator: (1) every acknowledged message arrived; (2) nothing arrived that was never sent;
// (3) per identity, first arrivals keep the order they were sent in; (4) a message arrived more
// than once only where an acknowledgement was not received: the device's PUBACK was lost (it was
// in flight when its connection to the hub was lost: any number of copies), or the hub's upstream
// PUBACK or its record of it was lost (a fault of the upstream, a cut, an emulator restart or a
// hub kill, came between the copy before and the copy; one fault causing at most what the hub can
// send again after it, fault-attribution.ts). It returns the violations as lines, so a failure
// says what went wrong and where.
import type { CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import { DEFAULT_WINDOW } from '../../../src/runtime/hub/upstream/upstream-pump.js';
import type { PublishedRecord } from './acked-publisher.js';
import { attributeToFaults, type Duplicate } from './fault-attribution.js';

/**
 * Per identity, what the hub sends again after its link to the cloud fails while it keeps running
 * (a cut, an emulator restart): the lane's sends not yet final, at most the window
 * (upstream-pump.ts: dispatch sends while `lane.sent.length < this.window`; restartLane sends
 * them again). What was acknowledged stays held until its removal is committed, so it is not read again.
 */
export const RESENDS_AFTER_LINK_FAULT = DEFAULT_WINDOW;

/**
 * Per identity, what the hub sends again after it is killed: besides the window in flight, the
 * acknowledgements handed to the store but not yet committed. A turn's PUBACKs (at most a window:
 * nothing is sent in the poll phase that brings them) are handed over from a setImmediate
 * (upstream-pump.ts acknowledge) and committed one setImmediate later (hub-store-commit.ts
 * commitNext), in the next turn's check phase, where the pump's next dispatch (a setImmediate too,
 * often queued before the commit by the previous commit's wake) may already have refilled the
 * window. So a kill may find two turns' acknowledgements uncommitted and a window in flight.
 * Seen here (review 16): 100 to 201 per identity per kill in 64 kills while draining.
 */
export const RESENDS_AFTER_KILL = 3 * DEFAULT_WINDOW;

export interface Arrival {
  identity: string;
  seq: number;
  /** When the emulator stored it (its enqueuedTimeUtc). */
  atMs: number;
}

export interface DeliveryOptions {
  /** Moments (Date.now()) of upstream faults: cuts of the link, emulator stops, hub kills while draining. */
  upstreamFaultsMs?: readonly number[];
  /** Copies one upstream fault may cause per identity: RESENDS_AFTER_LINK_FAULT (the default) or RESENDS_AFTER_KILL. */
  resendsPerFault?: number;
  /**
   * How long after a fault a copy may have been stored and still count as on its way at it (its
   * PUBACK lost): the emulator may store what was already in its socket after the fault was
   * injected, on a busy event loop even a while after (but before what is sent again after it).
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
  /** The fewest copies per identity per upstream fault that explain them all: how close to `resendsPerFault` the run came. */
  neededResendsPerFault: number;
}

/** Reads `seq` (the publishers' number) from the emulator's messages; other messages are not the test's. */
export function arrivalsOf(messages: readonly CloudMessage[], run: string): Arrival[] {
  return messages
    .filter((message) => message.properties.run === run && message.properties.seq !== undefined)
    .map((message) => ({ identity: message.moduleId === null ? message.deviceId : `${message.deviceId}/${message.moduleId}`, seq: Number(message.properties.seq), atMs: Date.parse(message.enqueuedTimeUtc) }));
}

/** `arrivals` in the order the emulator stored them (its sequence numbers), as arrivalsOf gives them. */
export function checkDelivery(published: readonly PublishedRecord[], arrivals: readonly Arrival[], options: DeliveryOptions = {}): DeliveryVerdict {
  const faults = [...(options.upstreamFaultsMs ?? [])].sort((a, b) => a - b);
  const slackMs = options.faultSlackMs ?? 2000;
  const violations: string[] = [];
  const perFault = options.resendsPerFault ?? RESENDS_AFTER_LINK_FAULT;
  const verdict: DeliveryVerdict = { violations, arrivals: arrivals.length, duplicates: 0, explainedByDevice: 0, explainedByUpstream: 0, neededResendsPerFault: 0 };
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
    const lastCopy = new Map<number, { index: number; atMs: number }>();
    const firstOrder: number[] = [];
    const upstreamDuplicates: Duplicate[] = [];
    for (const [index, arrival] of mine.entries()) {
      if (!Number.isInteger(arrival.seq) || arrival.seq < 0 || arrival.seq >= record.sent) {
        violations.push(`${record.identity}: message ${arrival.seq} arrived but was never sent (${record.sent} sent)`);
        continue;
      }
      const previous = lastCopy.get(arrival.seq);
      lastCopy.set(arrival.seq, { index, atMs: arrival.atMs });
      if (previous === undefined) {
        firstOrder.push(arrival.seq);
        continue;
      }
      verdict.duplicates += 1;
      if (record.inFlightAtFault.has(arrival.seq)) verdict.explainedByDevice += 1;
      else upstreamDuplicates.push({ seq: arrival.seq, index, atMs: arrival.atMs, previous });
    }
    const attribution = attributeToFaults(upstreamDuplicates, faults, { perFault, slackMs });
    verdict.explainedByUpstream += upstreamDuplicates.length - attribution.unexplained.length - attribution.overBound.length;
    verdict.neededResendsPerFault = Math.max(verdict.neededResendsPerFault, attribution.neededPerFault);
    for (const copy of attribution.unexplained) {
      violations.push(`${record.identity}: message ${copy.seq} arrived again at ${iso(copy.atMs)} (before that at ${iso(copy.previous.atMs)}) though its PUBACK came and no upstream fault came between`);
    }
    if (attribution.overBound.length > 0) {
      const copy = attribution.overBound[0]!;
      violations.push(`${record.identity}: ${attribution.overBound.length} copies more than the upstream faults between can cause (${perFault} per identity per fault), the first: message ${copy.seq} again at ${iso(copy.atMs)} (before that at ${iso(copy.previous.atMs)})`);
    }
    const missing = record.acked.filter((seq) => !lastCopy.has(seq));
    if (missing.length > 0) violations.push(`${record.identity}: ${missing.length} acknowledged messages never arrived: ${summarize(missing)}`);
    for (let index = 1; index < firstOrder.length; index++) {
      if (firstOrder[index]! < firstOrder[index - 1]!) violations.push(`${record.identity}: first arrivals out of order: ${firstOrder[index]} came after ${firstOrder[index - 1]}`);
    }
  }
  return verdict;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function summarize(numbers: readonly number[]): string {
  const sorted = [...numbers].sort((a, b) => a - b);
  return sorted.length <= 10 ? sorted.join(', ') : `${sorted.slice(0, 10).join(', ')} … (${sorted.length})`;
}
