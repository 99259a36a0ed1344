// A module of the offline end-to-end tests, written only with the official SDK: the agent starts
// it and ModuleClient.fromEnvironment(Mqtt) takes its identity, the hub and the workload API from
// the IOTEDGE_* environment, as on IoT Edge. The tests make it act through direct methods, so it
// can act while the cloud is away:
//   echo    answers { echo: payload, module, pid }
//   silent  never answers (the caller sees its timeout: 504 from the hub)
//   invoke  { deviceId, moduleId?, methodName, payload?, responseTimeoutInSeconds? }: calls a method
//           on another module or a child device with ModuleClient.invokeMethod (HTTPS to port 443
//           of the gateway host) and answers { status, payload } or { error: { name, statusCode, body } }
//   send    { output, body, properties? }: sends a message on that output
//   twin    { reported? }: patches its reported properties when given, then answers its twin as
//           getTwin reads it now
// Every message on its input `in` leaves again on its output `seen`, its properties kept, with
// `via` naming this module. Like a module that is configured through its twin, it reads its twin
// once connected and follows desired changes; it prints both (`desired {...}`, `desired patch {...}`).
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { ModuleClient, Message } = deviceSdk;
const { Mqtt } = mqttSdk;
const name = `${process.env.IOTEDGE_DEVICEID}/${process.env.IOTEDGE_MODULEID}`;

const client = await ModuleClient.fromEnvironment(Mqtt);
process.on('SIGTERM', () => void client.close().finally(() => process.exit(0)));
client.on('error', (error) => console.error(`${name}: ${error.message}`));

/** A plain copy of twin properties (the SDK's carry methods such as update). */
function plain(properties) {
  return JSON.parse(JSON.stringify(properties));
}

function propertiesOf(message) {
  const entries = {};
  for (let index = 0; index < message.properties.count(); index++) {
    const { key, value } = message.properties.getItem(index);
    entries[key] = value;
  }
  return entries;
}

async function invoke({ deviceId, moduleId, methodName, payload = null, responseTimeoutInSeconds = 10 }) {
  const params = { methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds: 0 };
  try {
    const result = moduleId ? await client.invokeMethod(deviceId, moduleId, params) : await client.invokeMethod(deviceId, params);
    return { status: result.status, payload: result.payload };
  } catch (error) {
    return { error: { name: error.name, statusCode: error.response?.statusCode ?? null, body: error.responseBody ?? null } };
  }
}

async function send({ output, body, properties = {} }) {
  const message = new Message(body);
  for (const [key, value] of Object.entries(properties)) message.properties.add(key, value);
  await client.sendOutputEvent(output, message);
  return { sent: true };
}

async function twin({ reported }) {
  const current = await client.getTwin();
  if (reported !== undefined) await new Promise((resolve, reject) => current.properties.reported.update(reported, (error) => (error ? reject(error) : resolve())));
  const fresh = await client.getTwin();
  return { desired: plain(fresh.properties.desired), reported: plain(fresh.properties.reported) };
}

const actions = { invoke, send, twin };

// Handlers are set once the connection is open, as the SDK's samples do.
await client.open();
client.onMethod('echo', (request, response) => void response.send(200, { echo: request.payload, module: name, pid: process.pid }));
client.onMethod('silent', () => console.log(`${name}: silent called, not answering`));
for (const [method, action] of Object.entries(actions)) {
  client.onMethod(method, (request, response) => {
    action(request.payload ?? {}).then(
      (result) => response.send(200, result),
      (error) => response.send(500, { error: error.message }),
    );
  });
}

client.on('inputMessage', (inputName, message) => {
  const forward = async () => {
    if (inputName === 'in') {
      const properties = { ...propertiesOf(message), via: name };
      await send({ output: 'seen', body: message.getBytes(), properties });
    }
    await client.complete(message);
  };
  forward().catch((error) => console.error(`${name}: forwarding failed: ${error.message}`));
});
console.log(`${name}: connected (pid ${process.pid})`);
const startTwin = await client.getTwin();
console.log(`${name}: desired ${JSON.stringify(plain(startTwin.properties.desired))}`);
startTwin.on('properties.desired', (patch) => console.log(`${name}: desired patch ${JSON.stringify(plain(patch))}`));
