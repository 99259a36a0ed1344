// Direct methods from the service side to a connected device or module: the request goes out on
// `$iothub/methods/POST/{name}/?$rid={rid}`, the device answers on `$iothub/methods/res/{status}/?$rid={rid}`.
// As IoT Hub: 404 DeviceNotOnline (404103) when the target is not connected and subscribed within
// the connect timeout, 504 GatewayTimeout (504101) when it does not answer within the response
// timeout (docs/FACTS.md §4; docs/research/iothub-facts.md §2).
import { CloudError } from '../cloud-error.js';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import type { SessionRegistry } from './sessions.js';
import { methodRequestTopic } from '../../iothub/topics.js';

export interface MethodRequest {
  methodName: string;
  payload: unknown;
  responseTimeoutInSeconds?: number;
  connectTimeoutInSeconds?: number;
}

export interface MethodResult {
  status: number;
  payload: unknown;
}

export interface MethodBroker {
  invoke(deviceId: string, moduleId: string | undefined, request: MethodRequest): Promise<MethodResult>;
}

/** The service SDK's default response timeout, and IoT Hub's maximum for both timeouts. */
const DEFAULT_RESPONSE_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 300;

interface Pending {
  key: string;
  settle(result: MethodResult | CloudError): void;
}

export class DirectMethodBroker implements MethodBroker {
  private nextRequestId = 1;
  private readonly pending = new Map<string, Pending>();
  private closed = false;

  constructor(private readonly sessions: SessionRegistry) {}

  async invoke(deviceId: string, moduleId: string | undefined, request: MethodRequest): Promise<MethodResult> {
    const checked = checkRequest(request);
    const identity: ClientIdentity = moduleId === undefined ? { deviceId } : { deviceId, moduleId };
    if (this.closed) throw stopped();
    const target = await this.sessions.whenSubscribed(identity, 'methods', checked.connectSeconds * 1000);
    if (target === undefined || this.closed) throw CloudError.deviceNotOnline(identityKey(identity));
    const rid = (this.nextRequestId++).toString(16);
    return new Promise<MethodResult>((resolve, reject) => {
      const timer = setTimeout(() => this.settle(rid, CloudError.gatewayTimeout(identityKey(identity))), checked.responseSeconds * 1000);
      this.pending.set(rid, {
        key: identityKey(identity),
        settle: (result) => {
          clearTimeout(timer);
          if (result instanceof CloudError) reject(result);
          else resolve(result);
        },
      });
      target.publish(methodRequestTopic(checked.methodName, rid), checked.body);
    });
  }

  /** A device's reply: it settles the request with that id only if the request went to that identity. */
  complete(identity: ClientIdentity, rid: string, status: number, body: Buffer): void {
    if (this.pending.get(rid)?.key !== identityKey(identity)) return;
    this.settle(rid, { status, payload: replyPayload(body) });
  }

  /** Ends every call still waiting: the hub is stopping. */
  close(): void {
    this.closed = true;
    for (const rid of [...this.pending.keys()]) this.settle(rid, stopped());
  }

  private settle(rid: string, result: MethodResult | CloudError): void {
    const pending = this.pending.get(rid);
    this.pending.delete(rid);
    pending?.settle(result);
  }
}

function checkRequest(request: MethodRequest): { methodName: string; body: string; responseSeconds: number; connectSeconds: number } {
  const { methodName } = request;
  // The name is a topic level: it cannot hold a level separator, a wildcard or the query mark.
  if (typeof methodName !== 'string' || methodName === '' || /[/#+?\u0000]/.test(methodName)) {
    throw CloudError.argumentInvalid(`methodName must be a non-empty string without "/", "#", "+" or "?"; got ${JSON.stringify(methodName)}`);
  }
  // The device SDK answers 400 to an empty body, so "no payload" travels as the JSON text null
  // (docs/research/iothub-facts.md §2, "Device side of a method call").
  let body: string | undefined;
  try {
    body = JSON.stringify(request.payload ?? null);
  } catch {
    body = undefined;
  }
  if (body === undefined) throw CloudError.argumentInvalid('payload must be JSON');
  // IoT Hub's minimum response timeout (5 s) is not enforced, so tests and impatient users can wait less.
  const responseSeconds = timeoutSeconds(request.responseTimeoutInSeconds, DEFAULT_RESPONSE_SECONDS, 'responseTimeoutInSeconds');
  const connectSeconds = timeoutSeconds(request.connectTimeoutInSeconds, 0, 'connectTimeoutInSeconds');
  if (responseSeconds === 0) throw CloudError.argumentInvalid('responseTimeoutInSeconds must be more than 0');
  return { methodName, body, responseSeconds, connectSeconds };
}

function timeoutSeconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_SECONDS) {
    throw CloudError.argumentInvalid(`${name} must be a number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** The reply body is the device's JSON payload; empty means null, and text that is not JSON is kept as text. */
function replyPayload(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function stopped(): CloudError {
  return new CloudError(503, 'ServiceUnavailable', 'The hub is stopping; the method call was not completed.');
}
