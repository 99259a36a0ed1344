// The demo's sensor: an IoT Edge module written with the official SDK, nothing edgewise-specific.
// ModuleClient.fromEnvironment reads what the agent gives every module (IOTEDGE_*: the hub to
// connect to, its workload API for the trust bundle and signed tokens), exactly as on IoT Edge.
// It sends a numbered reading every SENSOR_INTERVAL_MS on its output `readings`; the number is
// also the `index` property, so the order can be checked wherever the readings arrive.
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { ModuleClient, Message } = deviceSdk;
const { Mqtt } = mqttSdk;
const intervalMs = Number(process.env.SENSOR_INTERVAL_MS ?? '1000');

/** A slow wave between 10 and 30 °C, so that some readings cross the filter's threshold. */
function temperatureAt(index) {
  return Math.round((20 + 10 * Math.sin(index / 5)) * 10) / 10;
}

const client = await ModuleClient.fromEnvironment(Mqtt);
let stopping = false;
process.on('SIGTERM', () => {
  stopping = true;
  void client.close().finally(() => process.exit(0));
});
await client.open();
console.log(`sensor: connected as ${process.env.IOTEDGE_DEVICEID}/${process.env.IOTEDGE_MODULEID}, a reading every ${intervalMs} ms`);
try {
  for (let index = 0; !stopping; index++) {
    const reading = { index, temperature: temperatureAt(index), time: new Date().toISOString() };
    const message = new Message(JSON.stringify(reading));
    message.properties.add('index', String(index));
    message.contentType = 'application/json';
    message.contentEncoding = 'utf-8';
    // Each send waits for the hub's acknowledgement: with the cloud away the hub stores the reading and still acknowledges it.
    await client.sendOutputEvent('readings', message);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
} catch (error) {
  // A send cut short by SIGTERM is how the module stops, not a failure.
  if (!stopping) throw error;
}
