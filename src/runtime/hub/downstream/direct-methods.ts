// Direct methods to the hub's clients, from two callers: a module over the gateway's HTTPS
// (MethodInvoker) and the cloud through the upstream link. Both go through the one broker that
// also serves the emulator: 404 when the target is not connected and subscribed, 504 when it does
// not answer in time (docs/FACTS.md §4).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { MethodCallError, methodPayload, type DirectMethodBroker } from '../../iothub/method-broker.js';
import { MethodInvocationError, type MethodInvocation, type MethodInvoker } from '../gateway-https/method-invoker.js';

/** How long a cloud-invoked call may wait for its answer here: IoT Hub's longest response timeout; the cloud gives up on its own before. */
const CLOUD_CALL_TIMEOUT_SECONDS = 300;

export function methodInvoker(broker: DirectMethodBroker): MethodInvoker {
  return {
    invoke: async (target: ClientIdentity, request: MethodInvocation) => {
      try {
        return await broker.invoke(target.deviceId, target.moduleId, {
          methodName: request.methodName,
          payload: request.payload,
          responseTimeoutInSeconds: request.timeoutSeconds,
          connectTimeoutInSeconds: request.connectTimeoutSeconds ?? 0,
        });
      } catch (error) {
        // 400 (a bad method name or timeout) and 503 (stopping) keep the broker's own error, which carries httpStatus too.
        if (error instanceof MethodCallError && (error.httpStatus === 404 || error.httpStatus === 504)) throw new MethodInvocationError(error.httpStatus, error.message);
        throw error;
      }
    },
  };
}

/**
 * A cloud-invoked method for a client of this hub: relayed to its connection, and its answer (or
 * the hub's 404 / 504 with IoT Hub's error body) sent back up as the device's reply.
 */
export function cloudMethodHandler(invoker: MethodInvoker, identity: ClientIdentity): (name: string, payload: Buffer) => Promise<{ status: number; payload: Buffer }> {
  return async (name, payload) => {
    try {
      const result = await invoker.invoke(identity, { methodName: name, payload: methodPayload(payload), timeoutSeconds: CLOUD_CALL_TIMEOUT_SECONDS });
      return { status: result.status, payload: Buffer.from(JSON.stringify(result.payload ?? null)) };
    } catch (error) {
      const status = error instanceof MethodInvocationError || error instanceof MethodCallError ? error.httpStatus : 500;
      const errorCode = error instanceof MethodCallError ? error.numericCode : status === 404 ? 404103 : status === 504 ? 504101 : 500001;
      return { status, payload: Buffer.from(JSON.stringify({ errorCode, message: (error as Error).message })) };
    }
  };
}
