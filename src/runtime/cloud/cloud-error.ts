// IoT Hub's errors as data. The REST layer turns one into a status, an `iothub-errorcode` header and
// a body; the MQTT layer into its own reply. Names and numbers are IoT Hub's own
// (docs/research/iothub-facts.md §1 "Errors", §2), so SDKs map them to the same error types.
import { EdgewiseError } from '../../errors.js';

/** IoT Hub's six-digit codes; the first three digits are the HTTP status (iothub-facts.md §1 "Numeric codes"). */
const NUMERIC_CODES: Readonly<Record<string, number>> = {
  InvalidProtocolVersion: 400001,
  InvalidOperation: 400003,
  ArgumentInvalid: 400004,
  ArgumentNull: 400005,
  IotHubFormatError: 400006,
  IotHubUnauthorizedAccess: 401002,
  IotHubUnauthorized: 401003,
  IotHubQuotaExceeded: 403002,
  DeviceMaximumQueueDepthExceeded: 403004,
  DeviceNotFound: 404001,
  ModuleNotFound: 404010,
  DeviceNotOnline: 404103,
  DeviceAlreadyExists: 409001,
  ModuleAlreadyExistsOnDevice: 409301,
  PreconditionFailed: 412001,
  MessageTooLarge: 413001,
  ThrottlingException: 429001,
  ServerError: 500001,
  ServiceUnavailable: 503001,
  GatewayTimeout: 504101,
};

export class CloudError extends EdgewiseError {
  override name = 'CloudError';
  /** IoT Hub's six-digit code (404103, 504101 …) where it has one. */
  readonly numericCode?: number;

  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    numericCode?: number,
  ) {
    super(message);
    const known = numericCode ?? NUMERIC_CODES[errorCode];
    if (known !== undefined) this.numericCode = known;
  }

  /** EdgewiseError's code: IoT Hub's error name, e.g. `DeviceNotFound`. */
  get code(): string {
    return this.errorCode;
  }

  static argumentInvalid(message: string): CloudError {
    return new CloudError(400, 'ArgumentInvalid', message);
  }

  static deviceNotFound(deviceId: string): CloudError {
    return new CloudError(404, 'DeviceNotFound', `Device ${deviceId} does not exist.`);
  }

  static moduleNotFound(deviceId: string, moduleId: string): CloudError {
    return new CloudError(404, 'ModuleNotFound', `Module ${moduleId} does not exist on device ${deviceId}.`);
  }

  static deviceAlreadyExists(deviceId: string): CloudError {
    return new CloudError(409, 'DeviceAlreadyExists', `Device ${deviceId} already exists.`);
  }

  static moduleAlreadyExists(deviceId: string, moduleId: string): CloudError {
    return new CloudError(409, 'ModuleAlreadyExistsOnDevice', `Module ${moduleId} already exists on device ${deviceId}.`);
  }

  static preconditionFailed(what: string, etag: string): CloudError {
    return new CloudError(412, 'PreconditionFailed', `The If-Match etag does not match the current etag ${etag} of ${what}; read it again and retry.`);
  }

  /** A direct method's target is not connected or not subscribed; IoT Hub's own words (iothub-facts.md §2). */
  static deviceNotOnline(_target?: string): CloudError {
    return new CloudError(404, 'DeviceNotOnline', 'Timed out waiting for device to connect.');
  }

  /** A direct method's target did not answer in time; IoT Hub's own words (iothub-facts.md §2). */
  static gatewayTimeout(_target?: string): CloudError {
    return new CloudError(504, 'GatewayTimeout', 'Timed out waiting for the response from device.');
  }
}
