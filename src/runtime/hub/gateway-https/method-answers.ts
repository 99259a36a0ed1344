// What edgeHub's HTTPS head answers to a direct-method call (Azure/iotedge TwinsController.cs,
// MethodResult.cs, ExceptionFilter.cs): 200 `{status, payload}` with the target's answer, and
// `{message}` with the error's status otherwise, as `application/json; charset=utf-8`; a request
// it cannot read is a 400 whose body is the message as plain text. The Node SDK finds no
// `ErrorCode:` in these bodies and keeps them whole in `error.responseBody`.

export interface GatewayAnswer {
  status: number;
  contentType: string;
  body: string;
}

const JSON_TYPE = 'application/json; charset=utf-8';

export function methodSuccess(status: number, payload: unknown): GatewayAnswer {
  return { status: 200, contentType: JSON_TYPE, body: JSON.stringify({ status, payload: payload ?? null }) };
}

export function methodError(status: number, message: string): GatewayAnswer {
  return { status, contentType: JSON_TYPE, body: JSON.stringify({ message }) };
}

export function badRequest(message: string): GatewayAnswer {
  return { status: 400, contentType: 'text/plain; charset=utf-8', body: message };
}

export const answers = {
  invalidCaller: (header: string): GatewayAnswer => methodError(400, `Invalid header value for ${header}`),
  otherDevice: (): GatewayAnswer => methodError(401, 'Only modules on the same device can invoke DirectMethods'),
  unauthenticated: (callerId: string): GatewayAnswer => methodError(401, `Unable to authenticate device with Id ${callerId}`),
  notConnected: (targetId: string): GatewayAnswer => methodError(404, `Client ${targetId} not found`),
  timedOut: (requestId: string): GatewayAnswer => methodError(504, `Timed out waiting for device to respond to method request ${requestId}`),
  failed: (): GatewayAnswer => methodError(500, 'The edge hub failed to invoke the method; see its log.'),
  stopping: (): GatewayAnswer => methodError(503, 'The edge hub is stopping; the method call was not completed.'),
};
