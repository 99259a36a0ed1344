// What the demo reads from the running hub, in-process (RunningHub.status(), the same data
// `edgewise hub status` prints): the upstream state, who is connected, how many messages wait
// for the cloud, the counters, the reported patches not yet accepted by the cloud, and the
// resync round's four steps.
import type { HubStatus, RunningHub } from '../../runtime/hub/index.js';
import type { UpstreamState } from '../../runtime/hub/hub-types.js';
import { UPSTREAM_ENDPOINT } from '../../runtime/hub/hub-types.js';
import type { ResyncView } from '../../runtime/hub/resync.js';

export interface HubProgress {
  upstream: UpstreamState;
  /** `{d}` or `{d}/{m}` of each connected client, with when it connected (ms since the epoch). */
  clients: Map<string, number>;
  /** Messages stored for the cloud and not yet delivered. */
  waitingForCloud: number;
  stored: number;
  delivered: number;
  expired: number;
  /** Reported patches not yet accepted by the cloud. */
  reportedPending: number;
  /** The resync round after the last reconnect. */
  resync: ResyncView;
}

export function readHubProgress(hub: Pick<RunningHub, 'status'>): HubProgress {
  const status: HubStatus = hub.status();
  return {
    upstream: status.upstream,
    clients: new Map(status.clients.map((client) => [client.clientId, Date.parse(client.connectedAt)])),
    waitingForCloud: status.queues.filter((queue) => queue.endpoint === UPSTREAM_ENDPOINT).reduce((sum, queue) => sum + queue.depth, 0),
    stored: status.counters.stored,
    delivered: status.counters.delivered,
    expired: status.counters.expired,
    reportedPending: status.twins.pendingReported,
    resync: status.resync,
  };
}
