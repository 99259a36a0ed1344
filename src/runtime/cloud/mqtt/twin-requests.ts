// The device's twin requests over MQTT and IoT Hub's answers: GET answers 200 with
// `{desired, reported}`, a reported PATCH answers 204 with the new reported `$version`, and a failure
// answers its status with `{errorCode, message}`, the only error form the Node SDK notices (it
// ignores the status code) (docs/FACTS.md §5; docs/research/iothub-facts.md §7).
import { CloudError } from '../cloud-error.js';
import type { TwinStore } from '../twins.js';
import type { ClientIdentity } from '../../iothub/client-identity.js';
import { jsonObjectPayload as jsonObject } from '../../iothub/json-payload.js';

export interface TwinReply {
  status: number;
  /** The new reported `$version`, sent on the response topic after a PATCH. */
  version?: number;
  body: string;
}

export function answerTwinGet(twins: TwinStore, identity: ClientIdentity): TwinReply {
  try {
    const twin = twins.get(identity.deviceId, identity.moduleId);
    const { desired, reported } = twin.properties;
    return { status: 200, body: JSON.stringify(withoutMetadata({ desired, reported })) };
  } catch (error) {
    return errorReply(error);
  }
}

export async function answerReportedPatch(twins: TwinStore, identity: ClientIdentity, payload: Buffer): Promise<TwinReply> {
  const patch = jsonObject(payload);
  if (patch === undefined) return errorReply(new CloudError(400, 'ArgumentInvalid', 'the reported properties patch must be a JSON object'));
  try {
    const version = await twins.patchReported(identity.deviceId, identity.moduleId, patch);
    return { status: 204, version, body: '' };
  } catch (error) {
    return errorReply(error);
  }
}

/** `$metadata` stays on the service side; the device sees properties and `$version` only (IoT Hub's MQTT GET example). */
export function withoutMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutMetadata);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$metadata').map(([key, member]) => [key, withoutMetadata(member)]));
}

function errorReply(error: unknown): TwinReply {
  const cloud = error instanceof CloudError ? error : new CloudError(500, 'ServerError', 'the twin could not be read or written');
  // The six-digit code starts with the HTTP status (docs/research/iothub-facts.md §1, numeric codes).
  const errorCode = cloud.numericCode ?? cloud.status * 1000;
  return { status: cloud.status, body: JSON.stringify({ errorCode, message: cloud.message }) };
}
