// What `edgewise hub status` prints (issue 12's contract): the upstream state, who is connected,
// each queue's depth and the age of its oldest message, the store's size, and the counters; since
// issue 14 also the resync round after the last reconnect and the reported patches still pending.
// A pure function of what the running parts report, so the shape is tested without a hub.
import type { HubCounters, UpstreamState } from './hub-types.js';
import type { ResyncView } from './resync.js';

export interface QueueView {
  endpoint: string;
  priority: number;
  depth: number;
  /** Age of the oldest message waiting in the queue, whole seconds; 0 when the queue is empty. */
  oldestAgeSeconds: number;
}

export interface ClientView {
  /** `{d}` or `{d}/{m}`, as IoT Hub names the connection. */
  clientId: string;
  /** When this connection was accepted (ISO 8601). */
  connectedAt: string;
}

export interface HubStatus {
  upstream: UpstreamState;
  clients: ClientView[];
  queues: QueueView[];
  store: { messages: number; bytes: number };
  counters: HubCounters;
  /** The last resync round: its steps in order, with when each ran and what it did. */
  resync: ResyncView;
  /** Reported-properties patches accepted from clients and not yet accepted by the cloud. */
  twins: { pendingReported: number; identitiesPending: number };
}

/** What the status is read from: the parts' own views, narrowed to what it needs. */
export interface HubStatusSources {
  upstream: { readonly state: UpstreamState };
  clients(): readonly { clientId: string; connectedAtMs: number }[];
  store: {
    status(nowMs: number): {
      queues: readonly { endpoint: string; priority: number; depth: number; oldestEnqueuedAtMs?: number }[];
      messages: number;
      bytes: number;
    };
  };
  counters: HubCounters;
  resync: { view(): ResyncView };
  twins: { pendingReported(): { patches: number; identities: number } };
}

export function hubStatus(sources: HubStatusSources, nowMs: number): HubStatus {
  const stored = sources.store.status(nowMs);
  const queues = stored.queues
    .map((queue) => ({
      endpoint: queue.endpoint,
      priority: queue.priority,
      depth: queue.depth,
      oldestAgeSeconds: queue.depth > 0 && queue.oldestEnqueuedAtMs !== undefined ? Math.max(0, Math.floor((nowMs - queue.oldestEnqueuedAtMs) / 1000)) : 0,
    }))
    .sort((a, b) => byText(a.endpoint, b.endpoint) || a.priority - b.priority);
  const clients = sources
    .clients()
    .map((client) => ({ clientId: client.clientId, connectedAt: new Date(client.connectedAtMs).toISOString() }))
    .sort((a, b) => byText(a.clientId, b.clientId));
  const pending = sources.twins.pendingReported();
  return {
    upstream: sources.upstream.state,
    clients,
    queues,
    store: { messages: stored.messages, bytes: stored.bytes },
    counters: { ...sources.counters },
    resync: sources.resync.view(),
    twins: { pendingReported: pending.patches, identitiesPending: pending.identities },
  };
}

/** Code-point order, the same on every machine whatever its locale: `$upstream` first. */
function byText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
