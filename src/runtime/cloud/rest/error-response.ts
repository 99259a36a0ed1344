// IoT Hub's REST error answer, from a CloudError: the status, the `iothub-errorcode` header and
// the body the SDKs parse (docs/FACTS.md §9). Two body forms exist; the direct-method timeouts use
// the newer one (a JSON document inside `Message`), as IoT Hub sends them, every other error the
// classic `ErrorCode:<Name>;<text>` form, which the Node service SDK splits on `;`.
import { randomBytes } from 'node:crypto';
import { CloudError } from '../cloud-error.js';

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { Message: string; ExceptionMessage: string };
}

/** Codes IoT Hub answers with the JSON-in-Message form (captured DeviceNotOnline and method timeouts). */
const JSON_FORM_CODES = new Set([404103, 504101]);

export interface ErrorContext {
  /** A direct method's connect timeout, echoed as `info.timeout` in a DeviceNotOnline answer. */
  connectTimeoutInSeconds?: number;
}

export function errorResponse(error: CloudError, context: ErrorContext = {}): ErrorResponse {
  const trackingId = randomBytes(16).toString('hex');
  const now = new Date();
  const exceptionMessage = `Tracking ID:${trackingId}-G:0-TimeStamp:${classicTimestamp(now)}`;
  const numeric = error.numericCode;
  const message =
    numeric !== undefined && JSON_FORM_CODES.has(numeric)
      ? JSON.stringify({
          errorCode: numeric,
          trackingId,
          message: error.message,
          info: numeric === 404103 ? { timeout: timeSpan(context.connectTimeoutInSeconds ?? 0) } : {},
          timestampUtc: now.toISOString(),
        })
      : `ErrorCode:${error.errorCode};${error.message}`;
  return { status: error.status, headers: { 'iothub-errorcode': error.errorCode }, body: { Message: message, ExceptionMessage: exceptionMessage } };
}

/** Anything that is not a CloudError is the emulator's fault: a 500 that says no more than that. */
export function internalErrorResponse(): ErrorResponse {
  return errorResponse(new CloudError(500, 'ServerError', 'the emulator failed on this request; see its log'));
}

/** MM/dd/yyyy HH:mm:ss in UTC, as IoT Hub's ExceptionMessage writes its time stamp. */
function classicTimestamp(date: Date): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  return `${two(date.getUTCMonth() + 1)}/${two(date.getUTCDate())}/${date.getUTCFullYear()} ${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
}

/** A .NET TimeSpan as text (hh:mm:ss), the form of `info.timeout`. */
function timeSpan(seconds: number): string {
  const two = (value: number): string => String(value).padStart(2, '0');
  const whole = Math.max(0, Math.floor(seconds));
  return `${two(Math.floor(whole / 3600))}:${two(Math.floor((whole % 3600) / 60))}:${two(whole % 60)}`;
}
