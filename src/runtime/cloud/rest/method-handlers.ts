// Direct methods over REST (docs/FACTS.md §9): POST /twins/{d}[/modules/{m}]/methods with
// {methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds}, relayed to the
// connected identity by the MQTT side's MethodBroker. 200 {status, payload} from the device; 404
// DeviceNotOnline when it is not connected and subscribed, 504 GatewayTimeout when it does not
// answer in time, with the bodies IoT Hub sends (error-response.ts).
import { CloudError } from '../cloud-error.js';
import type { MethodRequest } from '../../iothub/method-broker.js';
import { errorResponse } from './error-response.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';

/** IoT Hub's bounds (docs/FACTS.md §9): response 5–300 s (default 30), connect 0–300 s (default 0). */
const RESPONSE_TIMEOUT = { min: 5, max: 300, default: 30 };
const CONNECT_TIMEOUT = { min: 0, max: 300, default: 0 };

export const invokeMethod: RestHandler = async (request, { registry, methods }) => {
  const { deviceId, moduleId } = request.params as { deviceId: string; moduleId?: string };
  const methodRequest = methodRequestOf(objectBody(request.body, 'a method call'));
  if (!registry.getDevice(deviceId)) throw CloudError.deviceNotFound(deviceId);
  if (moduleId !== undefined && !registry.getModule(deviceId, moduleId)) throw CloudError.moduleNotFound(deviceId, moduleId);
  try {
    const result = await methods.invoke(deviceId, moduleId, methodRequest);
    return { status: 200, body: { status: result.status, payload: result.payload ?? null } };
  } catch (error) {
    if (!(error instanceof CloudError)) throw error;
    // The connect timeout is echoed in a DeviceNotOnline body, so the answer is built here.
    const answer = errorResponse(error, { connectTimeoutInSeconds: methodRequest.connectTimeoutInSeconds });
    return { status: answer.status, headers: answer.headers, body: answer.body };
  }
};

function methodRequestOf(body: Record<string, unknown>): MethodRequest {
  const { methodName, payload } = body;
  if (typeof methodName !== 'string' || methodName.trim() === '') throw new CloudError(400, 'ArgumentInvalid', 'methodName must be a non-empty string');
  return {
    methodName,
    payload: payload === undefined ? null : payload,
    responseTimeoutInSeconds: seconds(body.responseTimeoutInSeconds, 'responseTimeoutInSeconds', RESPONSE_TIMEOUT),
    connectTimeoutInSeconds: seconds(body.connectTimeoutInSeconds, 'connectTimeoutInSeconds', CONNECT_TIMEOUT),
  };
}

function seconds(value: unknown, name: string, bounds: { min: number; max: number; default: number }): number {
  if (value === undefined || value === null) return bounds.default;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < bounds.min || value > bounds.max) {
    throw new CloudError(400, 'ArgumentInvalid', `${name} must be a whole number of seconds from ${bounds.min} to ${bounds.max}`);
  }
  return value;
}
