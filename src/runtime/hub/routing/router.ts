// Which queues one message goes to, as edgeHub's Evaluator decides (Azure/iotedge
// edge-hub/core/src/Microsoft.Azure.Devices.Routing.Core/Evaluator.cs, RouteResult.cs):
// every route whose source matches and whose condition is true gives (endpoint, priority, TTL);
// several routes to one endpoint give ONE target, the one with the highest priority (lowest
// number), so a message is stored once per endpoint. edgeHub leaves the tie between two routes
// of equal priority and different TTL to dictionary order; here the longer TTL wins, so no
// matching route's promise is cut short. No fallback route (edgeHub configures none).
// A route TTL of 0 means the global storeAndForwardConfiguration TTL (RouteSpec.cs).
import { messageSourceFromSystemProperties, prepareMessage } from '../../../routes/index.js';
import type { HubRoute, HubSettings } from '../config/hub-settings.js';
import { moduleInputEndpoint, UPSTREAM_ENDPOINT, type HubMessage, type QueueTarget } from '../hub-types.js';
import { routeMessageOf } from './route-message.js';

interface ActiveRoute {
  route: HubRoute;
  endpoint: string;
  ttlSeconds: number;
}

export class Router {
  private active: readonly ActiveRoute[] = [];

  constructor(settings: HubSettings) {
    this.update(settings);
  }

  /** A deployment: takes effect for the next message (messages already stored keep their queues). */
  update(settings: HubSettings): void {
    this.active = settings.routes.map((route) => ({
      route,
      endpoint: endpointOf(route),
      ttlSeconds: route.timeToLiveSecs === 0 ? settings.timeToLiveSecs : route.timeToLiveSecs,
    }));
  }

  /** The queue targets of one message, one per endpoint, in the order of the routes that chose them. */
  targets(message: HubMessage): QueueTarget[] {
    const routeMessage = routeMessageOf(message);
    const prepared = prepareMessage(routeMessage);
    const source = messageSourceFromSystemProperties({
      messageType: prepared.systemProperty('messageType'),
      connectionModuleId: prepared.systemProperty('connectionModuleId'),
      outputName: prepared.systemProperty('outputName'),
    });
    const chosen = new Map<string, QueueTarget>();
    for (const { route, endpoint, ttlSeconds } of this.active) {
      if (!route.compiled.delivers(prepared, source)) continue;
      const candidate: QueueTarget = { endpoint, priority: route.priority, ttlSeconds };
      const held = chosen.get(endpoint);
      if (!held || outranks(candidate, held)) chosen.set(endpoint, candidate);
    }
    return [...chosen.values()];
  }
}

function endpointOf(route: HubRoute): string {
  const target = route.compiled.endpoint;
  return target.kind === 'upstream' ? UPSTREAM_ENDPOINT : moduleInputEndpoint(target.moduleId, target.input);
}

/** Higher priority first; between equal priorities, the longer TTL (negative is forever). */
function outranks(candidate: QueueTarget, held: QueueTarget): boolean {
  if (candidate.priority !== held.priority) return candidate.priority < held.priority;
  return lifetime(candidate.ttlSeconds) > lifetime(held.ttlSeconds);
}

function lifetime(ttlSeconds: number): number {
  return ttlSeconds < 0 ? Infinity : ttlSeconds;
}
