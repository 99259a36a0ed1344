// How a fault test's publisher reaches the hub: a fresh MQTT.js connection (no reconnects of its
// own, no session) to wherever the hub listens now, signed with the child device's key for the
// hub's address, as a device with GatewayHostName set to that address signs.
import { readFileSync } from 'node:fs';
import mqtt, { type MqttClient } from 'mqtt';
import type { HubInfo } from '../../../src/runtime/hub/hub-info.js';
import { signSasToken } from '../../../src/runtime/iothub/sas.js';

const API_VERSION = '2021-04-12';

/** A connect function for AckedPublisher; `hub()` gives undefined while no hub runs (the attempt fails). */
export function hubConnector(hub: () => HubInfo | undefined, deviceId: string, key: string): () => Promise<MqttClient> {
  const cas = new Map<string, string>();
  return async () => {
    const info = hub();
    if (info === undefined) throw new Error('no hub runs now');
    const ca = cas.get(info.ca) ?? readFileSync(info.ca, 'utf8');
    cas.set(info.ca, ca);
    const host = info.mqtt.host;
    const client = mqtt.connect({
      protocol: 'mqtts',
      host,
      port: info.mqtt.port,
      ca,
      clientId: deviceId,
      username: `${host}/${deviceId}/?api-version=${API_VERSION}`,
      password: signSasToken(`${host}/devices/${deviceId}`, key, Math.floor(Date.now() / 1000) + 3600),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 10_000,
    });
    return connected(client);
  };
}

/** Resolves once CONNACK accepted; rejects (and ends the client) on an error or a close before it, which connectAsync would wait out forever without reconnects. */
function connected(client: MqttClient): Promise<MqttClient> {
  // MQTT.js may emit more than one error; one without a listener would throw.
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    const fail = (error?: Error): void => {
      client.off('connect', succeed);
      client.end(true);
      reject(error ?? new Error('the connection closed before CONNACK'));
    };
    const succeed = (): void => {
      client.off('error', fail);
      client.off('close', fail);
      resolve(client);
    };
    client.once('connect', succeed);
    client.once('error', fail);
    client.once('close', fail);
  });
}
