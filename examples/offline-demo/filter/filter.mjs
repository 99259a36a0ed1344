// The demo's filter: an IoT Edge module written with the official SDK, nothing edgewise-specific.
// It receives the sensor's readings on its input `readings` (the deployment's route sends them
// there) and forwards the interesting ones, warmer than its threshold, on its output `alerts`,
// which the deployment routes to $upstream (the cloud). Readings are handled one at a time, so
// alerts leave in the order the readings came.
// Its module twin steers it, as IoT Edge modules usually are: desired `threshold` (°C; until one
// is set, TEMPERATURE_THRESHOLD) and `alertDevice` (a child device of this edge device whose
// direct method `alert` is called on each alert, through the edge hub with
// ModuleClient.invokeMethod; none by default). It reports what it applied, and how its calls went.
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { ModuleClient, Message } = deviceSdk;
const { Mqtt } = mqttSdk;
/** How long the child device has to answer a call (the SDK's responseTimeoutInSeconds). */
const ALERT_CALL_TIMEOUT_SECONDS = 10;

let threshold = Number(process.env.TEMPERATURE_THRESHOLD ?? '25');
let alertDevice = null;
const alertCalls = { ok: 0, failed: 0, lastStatus: null };

const client = await ModuleClient.fromEnvironment(Mqtt);
process.on('SIGTERM', () => void client.close().finally(() => process.exit(0)));
client.on('error', (error) => console.error(`filter: ${error.message}`));

let twin;
/** Reported patches go one after the other, so the last one written is the last one sent. */
let reporting = Promise.resolve();
function report(patch) {
  reporting = reporting
    .then(() => new Promise((resolve, reject) => twin.properties.reported.update(patch, (error) => (error ? reject(error) : resolve()))))
    .catch((error) => console.error(`filter: reporting ${Object.keys(patch).join(', ')}: ${error.message}`));
}

/** Desired properties, whole at start and as patches after: only what a patch names changes. */
function applyDesired(desired) {
  if (typeof desired.threshold === 'number') threshold = desired.threshold;
  if ('alertDevice' in desired) alertDevice = typeof desired.alertDevice === 'string' && desired.alertDevice !== '' ? desired.alertDevice : null;
  console.log(`filter: forwarding readings above ${threshold} °C${alertDevice ? `, calling ${alertDevice}'s alert method on each` : ''}`);
  report({ threshold, alertDevice });
}

/** A call that fails (the device is not connected: 404; it did not answer: 504) is counted, not retried: the next alert calls again. */
function callAlertDevice(reading) {
  const device = alertDevice;
  if (device === null) return;
  client
    .invokeMethod(device, { methodName: 'alert', payload: { index: reading.index, temperature: reading.temperature, threshold }, responseTimeoutInSeconds: ALERT_CALL_TIMEOUT_SECONDS })
    .then(
      (result) => {
        alertCalls.ok++;
        alertCalls.lastStatus = result.status;
      },
      (error) => {
        alertCalls.failed++;
        alertCalls.lastStatus = error.response?.statusCode ?? error.name ?? 'error';
        console.error(`filter: calling ${device}'s alert method: ${error.message}`);
      },
    )
    .then(() => report({ alertCalls: { device, ...alertCalls } }));
}

let queue = Promise.resolve();
async function handle(inputName, message) {
  if (inputName === 'readings') {
    const reading = JSON.parse(message.getBytes().toString('utf8'));
    if (reading.temperature > threshold) {
      const alert = new Message(JSON.stringify({ ...reading, threshold }));
      alert.properties.add('index', String(reading.index));
      alert.properties.add('alert', 'temperature');
      alert.contentType = 'application/json';
      alert.contentEncoding = 'utf-8';
      await client.sendOutputEvent('alerts', alert);
      callAlertDevice(reading);
    }
  }
  // Over MQTT the SDK acknowledges an input as it arrives, so complete() settles nothing more; it is kept for AMQP, where it does.
  await client.complete(message);
}

// Before open: a restarted module's session still holds its subscription, so stored inputs arrive at once.
client.on('inputMessage', (inputName, message) => {
  queue = queue.then(() => handle(inputName, message)).catch((error) => console.error(`filter: ${error.message}`));
});
await client.open();
console.log(`filter: connected as ${process.env.IOTEDGE_DEVICEID}/${process.env.IOTEDGE_MODULEID}`);
twin = await client.getTwin();
// The SDK emits the whole desired section first, then each patch: one handler serves both.
twin.on('properties.desired', (desired) => applyDesired(desired));
