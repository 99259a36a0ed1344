// What the downstream head calls for every telemetry or output message (DownstreamServices.ingest):
// route it, store it once with a queue entry per target, and resolve only after the commit, so
// the PUBACK that follows means the message is durable (docs/FACTS.md §3, "Acknowledgement").
// A message no route takes is acknowledged and dropped, as edgeHub does. A store that refuses
// (disk or map full, I/O error) rejects: the client gets no PUBACK and sends it again later.
import type { HubCounters, HubMessage, QueueTarget } from './hub-types.js';
import { identityKey } from '../iothub/client-identity.js';

export interface IngestParts {
  router: { targets(message: HubMessage): QueueTarget[] };
  store: { append(message: HubMessage, targets: readonly QueueTarget[]): Promise<void> };
  counters: HubCounters;
  log(line: string): void;
}

export type Ingest = (message: HubMessage) => Promise<void>;

export function createIngest(parts: IngestParts): Ingest {
  return async (message) => {
    parts.counters.received++;
    try {
      const targets = parts.router.targets(message);
      if (targets.length === 0) return;
      await parts.store.append(message, targets);
      parts.counters.stored++;
    } catch (error) {
      parts.counters.refused++;
      parts.log(`refused a message from ${identityKey(message.source)} (not acknowledged; the client sends it again): ${(error as Error).message ?? String(error)}`);
      throw error;
    }
  };
}
