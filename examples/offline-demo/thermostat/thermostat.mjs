// The demo's child device: a device behind the edge device (its parent in the cloud), written
// with the official SDK's device Client, nothing edgewise-specific. It connects to the edge hub,
// not to IoT Hub: its connection string names the hub in GatewayHostName, and it trusts the edge
// CA, as a leaf device does on IoT Edge. It sends a numbered room temperature every
// THERMOSTAT_INTERVAL_MS (the number is also the `index` property, so the order can be checked
// where it arrives), reports its run and fan state, and answers the direct method `alert` (the
// filter module calls it on each alert) by turning its fan on.
//   DEVICE_CONNECTION_STRING  HostName=…;DeviceId=…;SharedAccessKey=…;GatewayHostName=HUB[:PORT]
//   EDGE_CA_FILE              the edge CA the hub's certificate chains to (DATA/edge-ca.pem)
//   THERMOSTAT_FIRST_INDEX    the first reading's number (default 0), to go on where a run stopped
//   THERMOSTAT_RUN            which run this is (default 1), reported as `run`
// It says what happens on stdout, one JSON object a line ({"event": "connected" | "sent" |
// "reported" | "method" | "open-failed", …}), for whoever started it to follow.
import { readFileSync } from 'node:fs';
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { Client, Message } = deviceSdk;
const { Mqtt } = mqttSdk;
const connectionString = process.env.DEVICE_CONNECTION_STRING;
const caFile = process.env.EDGE_CA_FILE;
if (!connectionString || !caFile) {
  console.error('thermostat: set DEVICE_CONNECTION_STRING (with GatewayHostName=the edge hub) and EDGE_CA_FILE (the edge CA)');
  process.exit(2);
}
const intervalMs = Number(process.env.THERMOSTAT_INTERVAL_MS ?? '1000');
const run = Number(process.env.THERMOSTAT_RUN ?? '1');
let fan = 'off';

function say(event, details = {}) {
  console.log(JSON.stringify({ event, ...details }));
}

/** A room that drifts between 19 and 23 °C. */
function roomTemperatureAt(index) {
  return Math.round((21 + 2 * Math.sin(index / 7)) * 10) / 10;
}

const client = Client.fromConnectionString(connectionString, Mqtt);
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  void client.close().finally(() => process.exit(0));
});
client.on('error', (error) => console.error(`thermostat: ${error.message}`));
await client.setOptions({ ca: readFileSync(caFile, 'utf8') });
try {
  await client.open();
} catch (error) {
  // Refused (UnauthorizedError: a device the hub does not know, or not yet) or unreachable: said
  // on stdout, so that whoever started it can tell a refusal from a crash.
  say('open-failed', { error: error.name, message: error.message });
  process.exit(1);
}
say('connected', { run });

const twin = await client.getTwin();
function report(patch) {
  twin.properties.reported.update(patch, (error) => {
    if (error) console.error(`thermostat: reporting: ${error.message}`);
    else say('reported', { patch });
  });
}
report({ run, fan });

client.onDeviceMethod('alert', (request, response) => {
  say('method', { name: request.methodName, payload: request.payload });
  const changed = fan !== 'on';
  fan = 'on';
  response.send(200, { fan }, (error) => {
    if (error) console.error(`thermostat: answering alert: ${error.message}`);
  });
  if (changed) report({ fan, fanOnSince: new Date().toISOString() });
});

try {
  for (let index = Number(process.env.THERMOSTAT_FIRST_INDEX ?? '0'); !stopping; index++) {
    const message = new Message(JSON.stringify({ index, temperature: roomTemperatureAt(index), run, time: new Date().toISOString() }));
    message.properties.add('index', String(index));
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    // Each send waits for the hub's acknowledgement: with the cloud away the hub stores it and still acknowledges it.
    await client.sendEvent(message);
    say('sent', { index });
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
} catch (error) {
  // A send cut short by SIGTERM is how the device stops, not a failure.
  if (!stopping) throw error;
}
