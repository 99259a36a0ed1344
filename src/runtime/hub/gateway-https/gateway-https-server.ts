// The edge hub's HTTPS head: the one call modules make over HTTPS to their gateway, a direct
// method on another module or a child device (ModuleClient.invokeMethod, which reaches
// https://{GatewayHostName}/ on 443). As edgeHub's TwinsController: POST /twins/{d}/methods or
// /twins/{d}/modules/{m}/methods, the caller named by `x-ms-edge-moduleId: {d}/{m}` and proven
// by its SAS token in Authorization (docs/FACTS.md §4), only modules of this edge device may call.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { MethodCallError } from '../../iothub/method-broker.js';
import { answers, badRequest, methodSuccess, type GatewayAnswer } from './method-answers.js';
import { MethodInvocationError, type MethodInvocation, type MethodInvoker } from './method-invoker.js';
import { methodInvocationOf, MethodRequestError } from './method-request.js';
import { listen } from '../../iothub/listen.js';
import { limitPendingConnections, TLS_HANDSHAKE_TIMEOUT_MS } from '../../iothub/pending-connections.js';

export { MethodInvocationError, type MethodInvocation, type MethodInvoker } from './method-invoker.js';

export interface GatewayHttpsOptions {
  host: string;
  /** 0: the OS chooses. The SDK dials 443 only. */
  port: number;
  tls: { key: string; cert: string };
  /** Whether this Authorization header proves the caller (authenticateFromCache's rules). */
  verify: (authorization: string | undefined, caller: ClientIdentity) => boolean;
  methods: MethodInvoker;
  /** When set, only modules of this edge device may call (edgeHub: "Only modules on the same device can invoke DirectMethods"). */
  edgeDeviceId?: string;
  log?: (line: string) => void;
}

export interface GatewayHttpsServer {
  port: number;
  close(): Promise<void>;
}

/** The header naming the calling module (the SDK's MethodClient sets it; edgeHub's Constants.ServiceApiIdHeaderKey). */
export const CALLER_HEADER = 'x-ms-edge-moduleId';
/** A method body is at most 128 KB of payload plus a few fields; more is not a method call. */
const MAX_BODY_BYTES = 256 * 1024;
const METHODS_PATH = /^\/twins\/([^/]+)(?:\/modules\/([^/]+))?\/methods\/?$/i;

export async function startGatewayHttpsServer(options: GatewayHttpsOptions): Promise<GatewayHttpsServer> {
  const log = options.log ?? (() => undefined);
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, (request, response) => {
    answer(request, options, log).then(
      (result) => send(response, result),
      (error: unknown) => {
        log(`gateway HTTPS: ${request.method} ${request.url}: ${error instanceof Error ? error.message : String(error)}`);
        send(response, answers.failed());
      },
    );
  });
  limitPendingConnections(server);
  await listen(server, { host: options.host, port: options.port });
  let closing: Promise<void> | undefined;
  return {
    port: (server.address() as AddressInfo).port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function answer(request: IncomingMessage, options: GatewayHttpsOptions, log: (line: string) => void): Promise<GatewayAnswer | undefined> {
  const path = (request.url ?? '/').split('?')[0]!;
  const match = METHODS_PATH.exec(path);
  if (!match) return { status: 404, contentType: 'text/plain; charset=utf-8', body: '' };
  if (request.method !== 'POST') return { status: 405, contentType: 'text/plain; charset=utf-8', body: '' };
  const target = targetOf(match[1]!, match[2]);
  if (!target) return badRequest('The device or module id in the path is not URL-encoded correctly.');

  // Who calls is settled before the body is read: a stranger costs no body read or parse.
  const caller = callerOf(request.headers[CALLER_HEADER.toLowerCase()]);
  if (!caller) return answers.invalidCaller(CALLER_HEADER);
  if (options.edgeDeviceId !== undefined && caller.deviceId !== options.edgeDeviceId) return answers.otherDevice();
  if (!options.verify(request.headers.authorization, caller)) {
    log(`gateway HTTPS: ${identityKey(caller)} could not be authenticated; its method call on ${identityKey(target)} was refused`);
    return answers.unauthenticated(identityKey(caller));
  }

  let invocation: MethodInvocation;
  try {
    invocation = methodInvocationOf(await readJson(request));
  } catch (error) {
    if (error instanceof MethodRequestError) return badRequest(error.message);
    throw error;
  }

  try {
    const result = await options.methods.invoke(target, invocation);
    return methodSuccess(result.status, result.payload);
  } catch (error) {
    if (error instanceof MethodInvocationError) return error.httpStatus === 404 ? answers.notConnected(identityKey(target)) : answers.timedOut(randomUUID());
    // The broker's own refusals: a request it cannot send (400), or the hub stopping (503).
    if (error instanceof MethodCallError && error.httpStatus === 400) return badRequest(error.message);
    if (error instanceof MethodCallError && error.httpStatus === 503) return answers.stopping();
    throw error;
  }
}

/** `{d}/{m}`: a module of some device; anything else is not a caller edgeHub serves. */
function callerOf(header: string | string[] | undefined): ClientIdentity | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const parts = (value ?? '').split('/');
  if (parts.length !== 2 || parts.some((part) => part.trim() === '')) return undefined;
  return { deviceId: parts[0]!, moduleId: parts[1]! };
}

function targetOf(deviceId: string, moduleId: string | undefined): ClientIdentity | undefined {
  const device = decode(deviceId);
  const module = moduleId === undefined ? undefined : decode(moduleId);
  if (device === undefined || (moduleId !== undefined && module === undefined)) return undefined;
  return module === undefined ? { deviceId: device } : { deviceId: device, moduleId: module };
}

function decode(text: string): string | undefined {
  try {
    const decoded = decodeURIComponent(text);
    return decoded.trim() === '' ? undefined : decoded;
  } catch {
    return undefined;
  }
}

async function readJson(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new MethodRequestError(`The request body is larger than ${MAX_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8').replace(/^\uFEFF/, '');
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new MethodRequestError('The request body is not valid JSON.');
  }
}

function send(response: ServerResponse, result: GatewayAnswer | undefined): void {
  if (response.headersSent || response.destroyed) return;
  const answer = result ?? answers.failed();
  const body = Buffer.from(answer.body, 'utf8');
  response.writeHead(answer.status, { 'content-type': answer.contentType, 'content-length': body.length });
  response.end(body);
}
