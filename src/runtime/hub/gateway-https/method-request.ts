// The body of a module's direct-method call to its gateway, checked as edgeHub checks it
// (Azure/iotedge MethodRequestValidator.cs): a method name of at most 100 characters, a response
// timeout of 5–300 s (default 30), a connect timeout of 0–300 s (default 0, IoT Hub's), a payload
// of at most 128 KB. Unlike edgeHub, a name that cannot be an MQTT topic level ("/", "#", "+", "?")
// is refused here too: the request goes to the module as `$iothub/methods/POST/{name}/?$rid=…`.
import type { MethodInvocation } from './method-invoker.js';

const MAX_NAME_LENGTH = 100;
const NOT_IN_A_TOPIC_LEVEL = /[/#+?\u0000]/;
const MAX_PAYLOAD_BYTES = 128 * 1024;
const RESPONSE_TIMEOUT = { min: 5, max: 300, default: 30 };
const CONNECT_TIMEOUT = { min: 0, max: 300, default: 0 };

/** A request edgeHub answers 400 to; the message is edgeHub's wording where it has one. */
export class MethodRequestError extends Error {
  override name = 'MethodRequestError';
}

export function methodInvocationOf(body: unknown): MethodInvocation {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new MethodRequestError('The request body must be a JSON object {methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds}.');
  const fields = body as Record<string, unknown>;
  const { methodName } = fields;
  if (typeof methodName !== 'string' || methodName.trim() === '') throw new MethodRequestError('MethodName cannot be null or white space.');
  if (methodName.length > MAX_NAME_LENGTH) throw new MethodRequestError(`MethodName cannot be longer than ${MAX_NAME_LENGTH}`);
  if (NOT_IN_A_TOPIC_LEVEL.test(methodName)) throw new MethodRequestError('MethodName cannot contain "/", "#", "+" or "?".');
  const connectTimeoutSeconds = seconds(fields.connectTimeoutInSeconds, CONNECT_TIMEOUT, `ConnectTimeout has to be between 0 and ${CONNECT_TIMEOUT.max} seconds.`);
  const timeoutSeconds = seconds(fields.responseTimeoutInSeconds, RESPONSE_TIMEOUT, `ResponseTimeout has to be between ${RESPONSE_TIMEOUT.min} and ${RESPONSE_TIMEOUT.max} seconds.`);
  const payload = fields.payload === undefined ? null : fields.payload;
  if (Buffer.byteLength(JSON.stringify(payload), 'utf8') > MAX_PAYLOAD_BYTES) throw new MethodRequestError(`Payload should not be greater than ${MAX_PAYLOAD_BYTES} bytes.`);
  return { methodName, payload, timeoutSeconds, connectTimeoutSeconds };
}

function seconds(value: unknown, bounds: { min: number; max: number; default: number }, message: string): number {
  if (value === undefined || value === null) return bounds.default;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < bounds.min || value > bounds.max) throw new MethodRequestError(message);
  return value;
}
