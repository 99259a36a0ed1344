// What the MQTT tests (mqtt-harness) and the service-side tests (cloud-support) both use: clients
// of the official device SDK over MQTT, opened and trusting the emulator's CA, and the clock in
// the seconds that SAS tokens count.
import { Client, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';

/** A device client of the official SDK over MQTT, opened, trusting the emulator's CA. */
export async function openDevice(trust: { ca: string }, connectionString: string): Promise<Client> {
  const client = Client.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: trust.ca });
  await client.open();
  return client;
}

/** A module client of the official SDK over MQTT, opened, trusting the emulator's CA. */
export async function openModule(trust: { ca: string }, connectionString: string): Promise<ModuleClient> {
  const client = ModuleClient.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: trust.ca });
  await client.open();
  return client;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
