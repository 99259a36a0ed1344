// A module for the resync and twin proofs, written with the official SDK only, started by the
// agent (ModuleClient.fromEnvironment). The test drives it with messages the deployment's routes
// bring to its input `commands` (they work offline, unlike a cloud-invoked method), and reads what
// it saw from its output, which the agent keeps in the module's log: one JSON line per event.
// - {"event":"ready"} once it listens to desired-property changes;
// - {"kind":"report","id":…,"patches":[…]} on `commands`: sends the patches as reported properties,
//   one after the other, each waiting for the hub's answer, then prints {"event":"reported","id","count"};
// - every desired-properties event prints {"event":"desired","patch","state"}: the patch as the
//   handler got it and the SDK's merged desired properties after it.
import deviceSdk from 'azure-iot-device';
import mqttSdk from 'azure-iot-device-mqtt';

const { ModuleClient } = deviceSdk;
const { Mqtt } = mqttSdk;

function print(event) {
  console.log(JSON.stringify({ ...event, at: new Date().toISOString() }));
}

const client = await ModuleClient.fromEnvironment(Mqtt);
process.on('SIGTERM', () => void client.close().finally(() => process.exit(0)));
client.on('error', (error) => console.error(`twin-module: ${error.message}`));
await client.open();
const twin = await client.getTwin();

function report(patch) {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (error) => (error ? reject(error) : resolve())));
}

async function handle(inputName, message) {
  if (inputName === 'commands') {
    const command = JSON.parse(message.getBytes().toString('utf8'));
    if (command.kind === 'report') {
      for (const patch of command.patches) await report(patch);
      print({ event: 'reported', id: command.id, count: command.patches.length });
    }
  }
  await client.complete(message);
}

let queue = Promise.resolve();
client.on('inputMessage', (inputName, message) => {
  queue = queue.then(() => handle(inputName, message)).catch((error) => print({ event: 'failed', message: error.message }));
});
twin.on('properties.desired', (patch) => print({ event: 'desired', patch, state: twin.properties.desired }));
// Adding the listener subscribes to desired patches; a twin read after it returns once the hub
// has handled that subscription (one connection, packets in order), so "ready" means subscribed.
await client.getTwin();
print({ event: 'ready', module: process.env.IOTEDGE_MODULEID });
