// The upstream for the edge hub: `edgewise cloud serve` from the build, one for the whole run,
// with the edge device and one child device per publisher registered through its service API.
// The telemetry log is read from a cursor, so each drain reads only its own messages; each
// record's enqueued time says when the message reached the cloud.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { messageKey, sentAtOf } from './message-body.mjs';
import { startLogged, stop, waitFor } from './processes.mjs';

export const EDGE_DEVICE_ID = 'bench-edge';
const PAGE = 5_000;
const TOKEN_SECONDS = 3600;

export async function startEmulator({ root, folder, logFile, publishers }) {
  const dist = (file) => import(pathToFileURL(path.join(root, 'dist', file)).href);
  const [{ ServiceClient }, { signSasToken }] = await Promise.all([dist('runtime/cloud/service-client.js'), dist('runtime/iothub/sas.js')]);
  fs.mkdirSync(folder, { recursive: true });
  const child = startLogged(process.execPath, [path.join(root, 'bin/edgewise.js'), 'cloud', 'serve', '--data', folder, '--address', '127.0.0.1', '--mqtt-port', '0', '--https-port', '0'], logFile, { cwd: root });
  const service = await waitFor('edgewise cloud serve (cloud.json)', () => {
    if (child.exitCode !== null) throw new Error(`edgewise cloud serve exited ${child.exitCode}; see ${logFile}`);
    try {
      return ServiceClient.fromDataFolder(folder);
    } catch {
      return undefined;
    }
  }, { timeoutMs: 60_000 });
  const edge = await service.createDevice(EDGE_DEVICE_ID, { edge: true });
  const devices = [];
  for (let i = 0; i < publishers; i++) {
    const deviceId = `bench-child-${i}`;
    const device = await service.createDevice(deviceId, { parent: edge });
    devices.push({ deviceId, key: device.authentication.symmetricKey.primaryKey });
  }
  let cursor = 1;
  /**
   * Reads every message from the cursor on; returns this run's: Map "clientIndex:seq" →
   * { arrivedAtMs: the emulator's enqueued time (whole ms since the epoch), sentAtMs: the stamp a paced publisher put in the body }.
   */
  async function readArrivals(tag) {
    const arrivals = new Map();
    for (;;) {
      const page = await service.readMessages(cursor, { limit: PAGE });
      for (const message of page) {
        const body = message.bodyEncoding === 'base64' ? Buffer.from(message.body, 'base64') : message.body;
        const key = messageKey(tag, body);
        if (key !== undefined && !arrivals.has(key)) arrivals.set(key, { arrivedAtMs: Date.parse(message.enqueuedTimeUtc), sentAtMs: sentAtOf(body) });
      }
      if (page.length > 0) cursor = page[page.length - 1].sequenceNumber + 1;
      if (page.length < PAGE) return arrivals;
    }
  }
  /** The keys of this run's messages from the cursor on. */
  const readKeys = async (tag) => new Set((await readArrivals(tag)).keys());
  const hostName = `${service.info.mqtt.host}:${service.info.mqtt.port}`;
  /** MQTT credentials of the first `count` child devices, as the device SDK makes them (IoT Hub's dialect). */
  function clients(count) {
    if (count > devices.length) throw new Error(`only ${devices.length} child devices are registered`);
    const expires = Math.floor(Date.now() / 1000) + TOKEN_SECONDS;
    return devices.slice(0, count).map(({ deviceId, key }) => ({
      clientId: deviceId,
      username: `${hostName}/${deviceId}/?api-version=2021-04-12`,
      password: signSasToken(`${hostName}/devices/${deviceId}`, key, expires),
      topic: `devices/${deviceId}/messages/events/`,
    }));
  }
  return {
    info: service.info,
    clients,
    /** The emulator as a broker the publishers reach directly (devices talking to the cloud themselves). */
    direct: { url: `mqtts://${service.info.mqtt.host}:${service.info.mqtt.port}`, ca: service.info.ca, clients },
    edgeConnectionString: service.connectionString(EDGE_DEVICE_ID, edge.authentication.symmetricKey.primaryKey),
    devices,
    readKeys,
    readArrivals,
    /** Moves the cursor past everything there is (messages of earlier samples). */
    skipToEnd: () => readKeys('\u0000'),
    close: () => stop(child, 'SIGTERM'),
  };
}
