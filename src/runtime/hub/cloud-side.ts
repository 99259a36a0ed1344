// The hub's parts that talk to the cloud, made once both listeners are bound: the upstream link
// (one connection per identity), the twin service, the device-scope refresher and the method the
// cloud calls to ask for a refresh, the pump draining `$upstream`, and the resync round that puts
// the pump, the twins and the refresher in order after each reconnect (resync.ts). Until a round
// has completed, the twin service does not sync on its own, so that order holds.
import { identityKey, type ClientIdentity } from '../iothub/client-identity.js';
import type { HubStore } from '../store/hub-store.js';
import type { HubSettings } from './config/hub-settings.js';
import type { EdgeConnection } from './edge-connection.js';
import type { HubCounters } from './hub-types.js';
import { fetchDeviceScope } from './identity/fetch-device-scope.js';
import type { IdentityCache } from './identity/identity-cache.js';
import { scopeRefreshMethod } from './identity/scope-refresh-method.js';
import { ScopeRefresher } from './identity/scope-refresher.js';
import { Resync } from './resync.js';
import { createTwinService, type TwinService } from './upstream/twin-service.js';
import { createUpstreamLink, type UpstreamLink } from './upstream/upstream-link.js';
import { UpstreamPump } from './upstream/upstream-pump.js';

export interface CloudSideOptions {
  edge: EdgeConnection;
  upstreamProtocol: HubSettings['upstreamProtocol'];
  /** PEM the upstream trusts; undefined: the system CAs. */
  cloudCa: string | undefined;
  cloudHttpsPort: number;
  backoff: { minMs: number; maxMs: number } | undefined;
  /** A hub restarted during a simulated outage starts its link cut. */
  startCut: boolean;
  cache: IdentityCache;
  store: HubStore;
  counters: HubCounters;
  /** Identities that left the scope, were disabled or recreated: their downstream connections close. */
  disconnect(identities: ClientIdentity[]): void;
  log(line: string): void;
}

export interface CloudSide {
  link: UpstreamLink;
  twins: TwinService;
  refresher: ScopeRefresher;
  resync: Resync;
}

const EDGE_HUB_MODULE = '$edgeHub';

/** Makes and starts the cloud side; pushes what stops each part onto `stops`, which the hub runs last first. */
export function startCloudSide(options: CloudSideOptions, stops: (() => Promise<void> | void)[]): CloudSide {
  const { edge, cache, log } = options;
  const edgeHub: ClientIdentity = { deviceId: edge.deviceId, moduleId: EDGE_HUB_MODULE };
  const link = createUpstreamLink(edge.deviceId, {
    hostName: edge.hostName,
    protocol: options.upstreamProtocol,
    ca: options.cloudCa,
    keyOf: (identity) => cache.keyOf(identity),
    backoff: options.backoff,
    log: quietLinkLog(log, identityKey(edgeHub), () => !cache.synced && cache.keyOf(edgeHub) === undefined),
    startCut: options.startCut,
  });
  stops.push(() => link.close());
  let resync: Resync | undefined;
  const twins = createTwinService({ link, records: options.store.twins, log, autoSync: () => resync?.completed === true });
  stops.push(() => twins.close());
  const refresher = new ScopeRefresher({
    cache,
    // An outage cuts the scope listing too: `hub upstream cut` must look like a lost link to every part.
    fetch: (signal) =>
      link.state === 'cut'
        ? Promise.reject(new Error('the upstream is cut'))
        : fetchDeviceScope({ hostName: edge.hostName, httpsPort: options.cloudHttpsPort, edgeDeviceId: edge.deviceId, signWith: { identity: { deviceId: edge.deviceId }, key: edge.key }, ca: options.cloudCa, signal }),
    onRemoved: (identities) => {
      log(`left this edge device's scope, disconnected: ${identities.map(identityKey).join(', ')}`);
      options.disconnect(identities);
    },
    log,
  });
  stops.push(() => refresher.stop());
  refresher.start();
  // The cloud asks the hub to re-read its scope with this method on $edgeHub (docs/FACTS.md §4).
  stops.push(link.onMethod(edgeHub, scopeRefreshMethod(refresher)));
  const pump = new UpstreamPump({ store: options.store.messages, link, counters: options.counters, log });
  stops.push(() => pump.stop());
  pump.start();
  resync = new Resync({ link, messages: pump, twins, scope: refresher, log });
  const started = resync;
  stops.push(() => started.stop());
  return { link, twins, refresher, resync };
}

/**
 * The link's log with two kinds of noise left out: before the first scope sync the hub's own
 * connection has no key to sign with (the cloud's listing brings it), which is said once instead
 * of at every retry; and a state line that only repeats the head of the line before it
 * ("upstream: cut" after "upstream: cut; every cloud connection is closed until restore").
 */
function quietLinkLog(log: (line: string) => void, edgeHubClientId: string, waitingForScope: () => boolean): (line: string) => void {
  let waitingSaid = false;
  let previous = '';
  return (line) => {
    if (waitingForScope() && line.startsWith(`upstream ${edgeHubClientId}: `)) {
      if (!waitingSaid) log(`upstream: waiting for the first device-scope sync (${edgeHubClientId} connects with the key the cloud lists for it)`);
      waitingSaid = true;
      return;
    }
    const echo = previous.startsWith(`${line}; `);
    previous = line;
    if (!echo) log(line);
  };
}
