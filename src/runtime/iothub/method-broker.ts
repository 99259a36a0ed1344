// Direct methods to a connected device or module: the request goes out on
// `$iothub/methods/POST/{name}/?$rid={rid}`, the device answers on `$iothub/methods/res/{status}/?$rid={rid}`.
// As IoT Hub: 404 DeviceNotOnline (404103) when the target is not connected and subscribed within
// the connect timeout, 504 GatewayTimeout (504101) when it does not answer within the response
// timeout (docs/FACTS.md §4; docs/research/iothub-facts.md §2). The emulator relays service calls
// through it, the edge hub calls from modules and from the cloud.
import { EdgewiseError } from '../../errors.js';
import { identityKey, type ClientIdentity } from './client-identity.js';
import type { SessionRegistry } from './sessions.js';
import { methodRequestTopic } from './topics.js';

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

type MethodErrorName = 'ArgumentInvalid' | 'DeviceNotOnline' | 'GatewayTimeout' | 'ServiceUnavailable';

/** IoT Hub's statuses and six-digit codes for a call that did not reach an answer (iothub-facts.md §1–§2). */
const METHOD_ERRORS: Readonly<Record<MethodErrorName, { httpStatus: 400 | 404 | 503 | 504; numericCode: number }>> = {
  ArgumentInvalid: { httpStatus: 400, numericCode: 400004 },
  DeviceNotOnline: { httpStatus: 404, numericCode: 404103 },
  ServiceUnavailable: { httpStatus: 503, numericCode: 503001 },
  GatewayTimeout: { httpStatus: 504, numericCode: 504101 },
};

/** A method call that got no answer from its target; each server turns it into its own error reply. */
export class MethodCallError extends EdgewiseError {
  override name = 'MethodCallError';
  readonly httpStatus: 400 | 404 | 503 | 504;
  readonly numericCode: number;

  constructor(
    readonly errorCode: MethodErrorName,
    message: string,
  ) {
    super(message);
    ({ httpStatus: this.httpStatus, numericCode: this.numericCode } = METHOD_ERRORS[errorCode]);
  }

  get code(): string {
    return this.errorCode;
  }
}

/** The service SDK's default response timeout, and IoT Hub's maximum for both timeouts. */
const DEFAULT_RESPONSE_SECONDS = 30;
const MAX_TIMEOUT_SECONDS = 300;

interface Pending {
  key: string;
  settle(result: MethodResult | MethodCallError): void;
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
    // IoT Hub's own words (iothub-facts.md §2).
    if (target === undefined || this.closed) throw new MethodCallError('DeviceNotOnline', 'Timed out waiting for device to connect.');
    const rid = (this.nextRequestId++).toString(16);
    return new Promise<MethodResult>((resolve, reject) => {
      const timer = setTimeout(
        () => this.settle(rid, new MethodCallError('GatewayTimeout', 'Timed out waiting for the response from device.')),
        checked.responseSeconds * 1000,
      );
      this.pending.set(rid, {
        key: identityKey(identity),
        settle: (result) => {
          clearTimeout(timer);
          if (result instanceof MethodCallError) reject(result);
          else resolve(result);
        },
      });
      target.publish(methodRequestTopic(checked.methodName, rid), checked.body);
    });
  }

  /** A device's reply: it settles the request with that id only if the request went to that identity. */
  complete(identity: ClientIdentity, rid: string, status: number, body: Buffer): void {
    if (this.pending.get(rid)?.key !== identityKey(identity)) return;
    this.settle(rid, { status, payload: methodPayload(body) });
  }

  /** Ends every call still waiting: the server is stopping. */
  close(): void {
    this.closed = true;
    for (const rid of [...this.pending.keys()]) this.settle(rid, stopped());
  }

  private settle(rid: string, result: MethodResult | MethodCallError): void {
    const pending = this.pending.get(rid);
    this.pending.delete(rid);
    pending?.settle(result);
  }
}

function checkRequest(request: MethodRequest): { methodName: string; body: string; responseSeconds: number; connectSeconds: number } {
  const { methodName } = request;
  // The name is a topic level: it cannot hold a level separator, a wildcard or the query mark.
  if (typeof methodName !== 'string' || methodName === '' || /[/#+?\u0000]/.test(methodName)) {
    throw invalid(`methodName must be a non-empty string without "/", "#", "+" or "?"; got ${JSON.stringify(methodName)}`);
  }
  // The device SDK answers 400 to an empty body, so "no payload" travels as the JSON text null
  // (docs/research/iothub-facts.md §2, "Device side of a method call").
  let body: string | undefined;
  try {
    body = JSON.stringify(request.payload ?? null);
  } catch {
    body = undefined;
  }
  if (body === undefined) throw invalid('payload must be JSON');
  // IoT Hub's minimum response timeout (5 s) is not enforced, so tests and impatient users can wait less.
  const responseSeconds = timeoutSeconds(request.responseTimeoutInSeconds, DEFAULT_RESPONSE_SECONDS, 'responseTimeoutInSeconds');
  const connectSeconds = timeoutSeconds(request.connectTimeoutInSeconds, 0, 'connectTimeoutInSeconds');
  if (responseSeconds === 0) throw invalid('responseTimeoutInSeconds must be more than 0');
  return { methodName, body, responseSeconds, connectSeconds };
}

function timeoutSeconds(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > MAX_TIMEOUT_SECONDS) {
    throw invalid(`${name} must be a number of seconds from 0 to ${MAX_TIMEOUT_SECONDS}; got ${JSON.stringify(value)}`);
  }
  return value;
}

/** A method payload on the wire (a device's reply, the cloud's request): JSON; empty means null, and text that is not JSON is kept as text. */
export function methodPayload(body: Buffer): unknown {
  const text = body.toString('utf8');
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function invalid(message: string): MethodCallError {
  return new MethodCallError('ArgumentInvalid', message);
}

function stopped(): MethodCallError {
  return new MethodCallError('ServiceUnavailable', 'The hub is stopping; the method call was not completed.');
}
