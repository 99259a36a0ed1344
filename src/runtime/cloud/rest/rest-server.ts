// The HTTPS server of IoT Hub's service REST API (docs/FACTS.md §9): per request, find the route,
// authorize the SAS token, check a device caller stays in its scope, read the JSON body, run the
// handler, and answer JSON (`application/json; charset=utf-8`, which the Node service SDK needs
// to parse a body at all) or IoT Hub's error body with its `iothub-errorcode` header.
// Any api-version is accepted: callers use several (2021-04-12, 2020-06-30-preview, …).
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CloudError } from '../cloud-error.js';
import { authorizeRequest, OWNER_POLICY, unauthorized } from './authorize-request.js';
import { errorResponse, internalErrorResponse } from './error-response.js';
import { readJsonBody } from './read-json-body.js';
import type { Principal, RestContext, RestResponse } from './rest-types.js';
import { matchRoute, type Route } from './routes.js';
import { listen } from '../../iothub/listen.js';
import { limitPendingConnections, TLS_HANDSHAKE_TIMEOUT_MS } from '../../iothub/pending-connections.js';

export interface RestServerOptions extends RestContext {
  host: string;
  /** 0: the OS chooses. */
  port: number;
  tls: { key: string; cert: string };
  /** Host names a token's sr may name (read per request: some are known only once every server listens). */
  hostNames: () => readonly string[];
  /** The iothubowner policy's keys. */
  ownerKeys: readonly string[];
  /** Told of failures that are the emulator's own (answered 500), for the caller's log. */
  onInternalError?: (error: unknown) => void;
}

export interface RestServer {
  port: number;
  close(): Promise<void>;
}

export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const pending = new Set<AbortController>();
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (request, response) => {
    const controller = new AbortController();
    pending.add(controller);
    response.on('close', () => {
      pending.delete(controller);
      controller.abort();
    });
    void answer(request, response, controller.signal, options);
  });
  limitPendingConnections(server);
  await listen(server, { host: options.host, port: options.port });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const controller of pending) controller.abort();
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function answer(request: IncomingMessage, response: ServerResponse, signal: AbortSignal, options: RestServerOptions): Promise<void> {
  let result: RestResponse;
  try {
    result = await handle(request, signal, options);
  } catch (error) {
    // A client that went away mid-request is no failure of the emulator's.
    if (signal.aborted || response.destroyed) return;
    if (!(error instanceof CloudError)) options.onInternalError?.(error);
    const failure = error instanceof CloudError ? errorResponse(error) : internalErrorResponse();
    result = { status: failure.status, headers: failure.headers, body: failure.body };
  }
  if (response.destroyed) return;
  const text = result.body === undefined ? '' : JSON.stringify(result.body);
  const headers: Record<string, string | number> = { ...result.headers, 'content-length': Buffer.byteLength(text) };
  if (text !== '') headers['content-type'] = 'application/json; charset=utf-8';
  response.writeHead(result.status, headers);
  response.end(text);
}

async function handle(request: IncomingMessage, signal: AbortSignal, options: RestServerOptions): Promise<RestResponse> {
  const url = new URL(request.url ?? '/', 'https://edgewise.invalid');
  const { route, params } = matchRoute(request.method ?? 'GET', url.pathname);
  const principal = authorizeRequest(request.headers.authorization, { hostNames: options.hostNames(), ownerKeys: options.ownerKeys, registry: options.registry });
  checkScope(principal, route, params);
  const body = await readJsonBody(request);
  return route.handler({ method: route.method, params, query: url.searchParams, headers: request.headers, body, principal, signal }, options);
}

/** A device's own token reaches only the calls a device makes for itself. */
function checkScope(principal: Principal, route: Route, params: Record<string, string>): void {
  if (principal.kind === 'owner') return;
  if (!route.device) throw unauthorized(`a device token may not call ${route.method} ${route.path}; use the ${OWNER_POLICY} policy`);
  if (params.deviceId !== principal.deviceId) throw unauthorized(`device ${principal.deviceId} may act only on its own scope, not on ${params.deviceId}`);
}
