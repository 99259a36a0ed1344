// A client's twin requests answered from the hub's twin service (online: the cloud's twin; offline:
// the stored copy), in IoT Hub's forms: GET answers 200 with `{desired, reported}`, a reported
// PATCH answers 204 with the new reported `$version`, and a failure answers its status with
// `{errorCode, message}`, the only error form the Node SDK notices (docs/FACTS.md §4–§5;
// docs/research/iothub-facts.md §7).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import type { TwinAnswer } from '../../iothub/dialect-connection.js';
import { TwinRequestError, type TwinService } from '../upstream/twin-service.js';
import { jsonObjectPayload as jsonObject } from '../../iothub/json-payload.js';

export async function answerTwinGet(twins: TwinService, identity: ClientIdentity): Promise<TwinAnswer> {
  try {
    const { desired, reported } = await twins.get(identity);
    return { status: 200, body: JSON.stringify({ desired, reported }) };
  } catch (error) {
    return failure(error, 'the twin could not be read');
  }
}

export async function answerReportedPatch(twins: TwinService, identity: ClientIdentity, payload: Buffer): Promise<TwinAnswer> {
  const patch = jsonObject(payload);
  // IoT Hub's ArgumentInvalid (400004) for a patch that is not a JSON object.
  if (patch === undefined) return { status: 400, body: JSON.stringify({ errorCode: 400004, message: 'the reported properties patch must be a JSON object' }) };
  try {
    const version = await twins.patchReported(identity, patch);
    return { status: 204, version, body: '' };
  } catch (error) {
    return failure(error, 'the reported properties could not be stored');
  }
}

/** A request the twin service refused keeps its status (400 bad patch, 503 stopping); anything else is the hub's own 500 ServerError (500001). */
function failure(error: unknown, what: string): TwinAnswer {
  const reason = error instanceof Error ? error.message : String(error);
  if (error instanceof TwinRequestError) return { status: error.status, body: JSON.stringify({ errorCode: error.status * 1000 + 4, message: `${what}: ${reason}` }) };
  return { status: 500, body: JSON.stringify({ errorCode: 500001, message: `${what}: ${reason}` }) };
}

