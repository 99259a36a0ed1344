// What a REST handler sees and returns: the request already authorized and its JSON body parsed,
// and a plain response that rest-server.ts writes. Handlers never touch node:http, so they read
// as IoT Hub's operations and nothing else.
import type { CloudToDeviceQueue } from '../cloud-to-device-queue.js';
import type { IdentityRegistry } from '../identities.js';
import type { MethodBroker } from '../../iothub/method-broker.js';
import type { TelemetryLog } from '../telemetry-log.js';
import type { TwinStore } from '../twins.js';

/** Who signed the request: the hub owner policy, or a device (or its $edgeHub module) acting for its own scope. */
export type Principal = { kind: 'owner' } | { kind: 'device'; deviceId: string; moduleId?: string };

export interface RestRequest {
  method: string;
  /** Path parameters, URL-decoded: deviceId, moduleId. */
  params: Record<string, string>;
  query: URLSearchParams;
  /** Lower-case header names, as node:http gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The parsed JSON body; undefined when there was none. */
  body: unknown;
  principal: Principal;
  /** Aborted when the client goes away or the server closes: long waits stop on it. */
  signal: AbortSignal;
}

export interface RestResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The hub's state every handler works on. */
export interface RestContext {
  registry: IdentityRegistry;
  twins: TwinStore;
  telemetry: TelemetryLog;
  methods: MethodBroker;
  cloudToDevice: CloudToDeviceQueue;
}

export type RestHandler = (request: RestRequest, context: RestContext) => Promise<RestResponse>;
