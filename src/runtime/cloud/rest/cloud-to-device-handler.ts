// The emulator's own extra (not IoT Hub's API): POST /edgewise/devices/{id}/messages queues a
// cloud-to-device message. IoT Hub's service SDK sends these over AMQP, which the emulator does not
// speak, so this REST call stands in for it (docs/FACTS.md §9). Body:
// `{ body, bodyEncoding?: 'base64', properties?, messageId?, correlationId?, expiryTimeUtc? }`;
// answers 202 `{ messageId }`, 404 DeviceNotFound, 403 DeviceMaximumQueueDepthExceeded.
import { CloudError } from '../cloud-error.js';
import { objectBody } from './read-json-body.js';
import type { RestHandler } from './rest-types.js';

export const sendCloudToDevice: RestHandler = async (request, { cloudToDevice }) => {
  const deviceId = request.params.deviceId!;
  const body = objectBody(request.body, '{ "body": "text", "properties": { … } }');
  if (typeof body.body !== 'string') throw CloudError.argumentInvalid('body must be a string (text, or base64 with "bodyEncoding": "base64")');
  if (body.bodyEncoding !== undefined && body.bodyEncoding !== 'base64') throw CloudError.argumentInvalid('bodyEncoding may only be "base64"');
  const bytes = body.bodyEncoding === 'base64' ? Buffer.from(body.body, 'base64') : Buffer.from(body.body, 'utf8');
  const message = await cloudToDevice.enqueue(deviceId, {
    body: bytes,
    properties: stringRecord(body.properties),
    ...optionalString(body, 'messageId'),
    ...optionalString(body, 'correlationId'),
    ...expiry(body.expiryTimeUtc),
  });
  return { status: 202, body: { messageId: message.messageId } };
};

function stringRecord(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw CloudError.argumentInvalid('properties must be an object of strings');
  const entries = Object.entries(value as Record<string, unknown>);
  for (const [key, item] of entries) {
    if (key === '' || typeof item !== 'string') throw CloudError.argumentInvalid(`property ${JSON.stringify(key)} must have a non-empty name and a string value`);
    if (key.startsWith('$')) throw CloudError.argumentInvalid(`property ${JSON.stringify(key)}: names starting with $ are IoT Hub's system properties`);
  }
  return Object.fromEntries(entries) as Record<string, string>;
}

function optionalString(body: Record<string, unknown>, name: 'messageId' | 'correlationId'): Record<string, string> {
  const value = body[name];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string' || value === '') throw CloudError.argumentInvalid(`${name} must be a non-empty string`);
  return { [name]: value };
}

function expiry(value: unknown): { expiryTimeUtc?: string } {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw CloudError.argumentInvalid('expiryTimeUtc must be an ISO 8601 time, e.g. 2030-01-01T00:00:00Z');
  return { expiryTimeUtc: new Date(value).toISOString() };
}
