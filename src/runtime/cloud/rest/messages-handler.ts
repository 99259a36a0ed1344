// The emulator's own extra (not IoT Hub's API): GET /edgewise/messages?from=N&limit=L&wait=S
// reads the device-to-cloud telemetry log in arrival order. With `wait`, a read that finds
// nothing waits up to S seconds for the next message (a long poll, what `cloud messages
// --follow` uses), so following costs no polling loop.
import { CloudError } from '../cloud-error.js';
import type { TelemetryLog, TelemetryRecord } from '../telemetry-log.js';
import type { RestHandler } from './rest-types.js';

const DEFAULT_LIMIT = 1000;
const MAX_LIMIT = 10_000;
const MAX_WAIT_SECONDS = 60;

export const readMessages: RestHandler = async (request, { telemetry }) => {
  const from = wholeNumber(request.query.get('from'), 'from', 1);
  const limit = Math.min(wholeNumber(request.query.get('limit'), 'limit', DEFAULT_LIMIT), MAX_LIMIT);
  const wait = Math.min(wholeNumber(request.query.get('wait'), 'wait', 0), MAX_WAIT_SECONDS);
  let records = telemetry.read(from, limit);
  if (records.length === 0 && wait > 0) records = await nextRecords(telemetry, from, limit, wait, request.signal);
  return { status: 200, body: records.map(messageView) };
};

/** The message shape: moduleId always present (null for a device's own messages), the base64 flag only when set. */
export function messageView(record: TelemetryRecord): Record<string, unknown> {
  return {
    sequenceNumber: record.sequenceNumber,
    deviceId: record.deviceId,
    moduleId: record.moduleId ?? null,
    body: record.body,
    ...(record.bodyEncoding && { bodyEncoding: record.bodyEncoding }),
    properties: record.properties,
    systemProperties: record.systemProperties,
    enqueuedTimeUtc: record.enqueuedTimeUtc,
  };
}

function nextRecords(telemetry: TelemetryLog, from: number, limit: number, waitSeconds: number, signal: AbortSignal): Promise<TelemetryRecord[]> {
  return new Promise((resolve) => {
    const finish = (): void => {
      unsubscribe();
      clearTimeout(timer);
      signal.removeEventListener('abort', finish);
      resolve(telemetry.read(from, limit));
    };
    const unsubscribe = telemetry.onAppend((record) => {
      if (record.sequenceNumber >= from) finish();
    });
    const timer = setTimeout(finish, waitSeconds * 1000);
    timer.unref();
    if (signal.aborted) finish();
    else signal.addEventListener('abort', finish, { once: true });
  });
}

function wholeNumber(text: string | null, name: string, fallback: number): number {
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new CloudError(400, 'ArgumentInvalid', `${name} must be a whole number`);
  return Number(text);
}
