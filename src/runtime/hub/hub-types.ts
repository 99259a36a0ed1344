// The seams between the edge hub's parts (docs/architecture.md, "The edge hub"): what a message
// is once received, where routing sends it, and what each part offers the others. Each part is
// written against these types, so the parts can be built, tested and replaced one at a time.
import type { ClientIdentity } from '../iothub/client-identity.js';

/** A device-to-cloud or module-output message as the hub received it. */
export interface HubMessage {
  /** The authenticated identity that sent it (never taken from the message itself). */
  source: ClientIdentity;
  /** The module output it was sent on (`$.on` in the property bag), for module messages. */
  outputName?: string;
  /** Application properties from the property bag. */
  properties: Record<string, string>;
  /**
   * System properties under the names parsePropertyBag gives them (message-id, correlation-id,
   * content-type, content-encoding, …); never the connection stamps, which the hub sets itself.
   */
  systemProperties: Record<string, string>;
  body: Buffer;
  /** When the hub received it (ms since the epoch): what TTL counts from. */
  enqueuedAtMs: number;
}

/** The cloud, as a route sink names it. */
export const UPSTREAM_ENDPOINT = '$upstream';

/** A module input as an endpoint id: the BrokeredEndpoint address, `/modules/{m}/inputs/{i}`. */
export function moduleInputEndpoint(moduleId: string, inputName: string): string {
  return `/modules/${moduleId}/inputs/${inputName}`;
}

/** Where routing sends one message: one queue entry per target. */
export interface QueueTarget {
  /** `$upstream` or `/modules/{m}/inputs/{i}`. */
  endpoint: string;
  /** 0 is the highest; edgeHub's default for routes without one is 2,000,000,000. */
  priority: number;
  /** Time to live in seconds, already resolved (route value, else the global one); negative is infinite. */
  ttlSeconds: number;
}

/** Counters `edgewise hub status` shows; each part adds to the ones it owns. */
export interface HubCounters {
  /** Telemetry and output messages accepted from clients (before routing). */
  received: number;
  /** Messages committed to the store (once per message, whatever its number of targets). */
  stored: number;
  /** Queue entries delivered: acknowledged by the cloud or by the module. */
  delivered: number;
  /** Queue entries dropped because their TTL ran out (on read or by the cleanup). */
  expired: number;
  /** Publishes refused (store full or failing): the client was not acknowledged. */
  refused: number;
}

export function newCounters(): HubCounters {
  return { received: 0, stored: 0, delivered: 0, expired: 0, refused: 0 };
}

export type UpstreamState = 'connected' | 'connecting' | 'disconnected' | 'cut';

/** One identity the hub may authenticate offline: from the cloud's device-scope listing. */
export interface CachedIdentity {
  deviceId: string;
  moduleId?: string;
  status: 'enabled' | 'disabled';
  /** The identity's symmetric keys, primary first; empty strings left out. */
  keys: string[];
  generationId: string;
  /** For a device: whether it is an IoT Edge device itself. */
  iotEdge?: boolean;
}

/** What a downstream client may do once authenticated, and who it is. */
export interface AuthenticatedClient {
  identity: ClientIdentity;
  generationId: string;
  /** When its SAS token expires (s since the epoch): the hub closes the connection then. */
  expiresAtSeconds: number;
}

/** The twin of one identity as a client reads it. */
export interface TwinDocument {
  desired: Record<string, unknown> & { $version: number };
  reported: Record<string, unknown> & { $version: number };
}
