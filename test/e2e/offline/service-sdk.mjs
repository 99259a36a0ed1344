// The service side of the offline end-to-end tests: the official service SDK (azure-iothub),
// unchanged. It takes its CA trust from the process (Registry has no option for it), so it runs in
// a process of its own started with NODE_EXTRA_CA_CERTS naming the emulator's CA, and reaches
// port 443 of the connection string's HostName. Argument: {"connectionString", "calls": [...]},
// each call one of
//   { "op": "create", "device": {...} }                 Registry.create
//   { "op": "get", "deviceId" }                          Registry.get
//   { "op": "update", "device": {...} }                  Registry.update
//   { "op": "list" }                                     Registry.list (ids and parentScopes)
//   { "op": "invoke", "deviceId", "moduleId"?, "params" } Client.invokeDeviceMethod
// run one after the other. Prints one JSON array: per call { "ok": result } or { "error": {...} }.
import iothub from 'azure-iothub';

const { Registry, Client } = iothub;
const { connectionString, calls } = JSON.parse(process.argv[2]);
const registry = Registry.fromConnectionString(connectionString);
const service = Client.fromConnectionString(connectionString);

/** What a test compares: the SDK's error type, the HTTP status, and IoT Hub's error code from the body. */
function failure(error) {
  const body = error.responseBody;
  return { error: { name: error.constructor.name, statusCode: error.response?.statusCode ?? null, errorCode: errorCodeOf(body), message: error.message } };
}

/** IoT Hub's code, from either body form: {"Message":"{\"errorCode\":404103,…}"} or {"Message":"ErrorCode:Name;…"}. */
function errorCodeOf(body) {
  try {
    const message = JSON.parse(typeof body === 'string' ? body : JSON.stringify(body)).Message;
    if (typeof message !== 'string') return null;
    const classic = /^ErrorCode:([^;]+);/.exec(message);
    return classic ? classic[1] : JSON.parse(message).errorCode ?? null;
  } catch {
    return null;
  }
}

async function run(call) {
  switch (call.op) {
    case 'create':
      return (await registry.create(call.device)).responseBody;
    case 'get':
      return (await registry.get(call.deviceId)).responseBody;
    case 'update':
      return (await registry.update(call.device)).responseBody;
    case 'list':
      return (await registry.list()).responseBody.map((device) => ({ deviceId: device.deviceId, parentScopes: device.parentScopes ?? [] }));
    case 'invoke':
      return (call.moduleId ? await service.invokeDeviceMethod(call.deviceId, call.moduleId, call.params) : await service.invokeDeviceMethod(call.deviceId, call.params)).result;
    default:
      throw new Error(`unknown call ${call.op}`);
  }
}

const results = [];
for (const call of calls) results.push(await run(call).then((ok) => ({ ok }), failure));
process.stdout.write(`${JSON.stringify(results)}\n`);
// The SDK keeps sockets alive for reuse; the answer is out, so the process ends here.
process.exit(0);
