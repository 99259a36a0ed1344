// The demo's filter: an IoT Edge module written with the official SDK, nothing edgewise-specific.
// It receives the sensor's readings on its input `readings` (the deployment's route sends them
// there) and forwards the interesting ones, warmer than TEMPERATURE_THRESHOLD, on its output
// `alerts`, which the deployment routes to $upstream (the cloud). Readings are handled one at a
// time, so alerts leave in the order the readings came.
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { ModuleClient, Message } = deviceSdk;
const { Mqtt } = mqttSdk;
const threshold = Number(process.env.TEMPERATURE_THRESHOLD ?? '25');

const client = await ModuleClient.fromEnvironment(Mqtt);
process.on('SIGTERM', () => void client.close().finally(() => process.exit(0)));

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
    }
  }
  // Completed only once its alert is with the hub: a filter that dies in between gets the reading again.
  await client.complete(message);
}
client.on('inputMessage', (inputName, message) => {
  queue = queue.then(() => handle(inputName, message)).catch((error) => console.error(`filter: ${error.message}`));
});
client.on('error', (error) => console.error(`filter: ${error.message}`));
await client.open();
console.log(`filter: connected as ${process.env.IOTEDGE_DEVICEID}/${process.env.IOTEDGE_MODULEID}, forwarding readings above ${threshold} °C`);
