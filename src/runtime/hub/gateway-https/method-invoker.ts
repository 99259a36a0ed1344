// What the gateway's HTTPS head asks of whoever holds the downstream connections: invoke a direct
// method on a connected module or child device and wait for its answer. The downstream MQTT head
// (part F) implements it; the HTTPS head only turns its outcome into edgeHub's answers.
import type { ClientIdentity } from '../../iothub/client-identity.js';

export interface MethodInvocation {
  methodName: string;
  /** The request's JSON payload, parsed (null when there is none). */
  payload: unknown;
  /** How long the target has to answer once the request reached it. */
  timeoutSeconds: number;
  /** How long to wait for the target to connect and subscribe to methods; 0 = not at all (edgeHub's default). */
  connectTimeoutSeconds?: number;
}

export interface MethodInvoker {
  invoke(target: ClientIdentity, request: MethodInvocation): Promise<{ status: number; payload: unknown }>;
}

/**
 * The target could not answer: 404 when it is not connected and subscribed to methods, 504 when it
 * did not answer in time (edgeHub's InvokeMethodHandler and DeviceMessageHandler).
 */
export class MethodInvocationError extends Error {
  override name = 'MethodInvocationError';

  constructor(
    readonly httpStatus: 404 | 504,
    message: string,
  ) {
    super(message);
  }
}
