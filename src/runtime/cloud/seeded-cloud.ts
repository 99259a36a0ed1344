// A local emulator (`edgewise cloud serve`, in this process) for an edge to talk to, seeded as a
// real IoT Hub would be before a device is set up: the edge device's identity (made once, kept in
// the emulator's data folder across runs) and the deployment applied to it, as `edgewise cloud
// deploy` applies one. The emulator listens on ports the OS chooses: the `edgewise cloud` verbs
// find it through its cloud.json, and the hub through the connection string made here. Used by
// `edgewise run --with-cloud` and `edgewise demo offline`.
import { InputError } from '../../errors.js';
import { readDataFile } from '../data-folder/data-folder-file.js';
import { deviceConnectionString } from '../iothub/connection-strings.js';
import { startCloud, type CloudInfo, type RunningCloud } from './cloud-server.js';
import { ServiceClient } from './service-client.js';

export interface SeededCloudOptions {
  dataFolder: string;
  /** The edge device to make (or find) in the emulator. */
  deviceId: string;
  /** The deployment's modulesContent. */
  modulesContent: Record<string, unknown>;
  /** Apply the deployment even when the device was there already (false with --from-cloud: the cloud's stays). */
  deploy: boolean;
  /** The address the emulator listens on (default cloud-server.ts CLOUD_DEFAULTS.address). */
  address?: string;
  onInternalError?: (error: unknown) => void;
}

export interface SeededCloud {
  info: CloudInfo;
  /** The emulator's service API, as the `edgewise cloud` verbs use it. */
  client: ServiceClient;
  /** The edge device's connection string, HostName with the emulator's MQTT port. */
  connectionString: string;
  ca: string;
  /** Whether this run made the edge device. */
  createdDevice: boolean;
  /** Whether this run applied the deployment. */
  deployed: boolean;
  close(): Promise<void>;
}

export async function startSeededCloud(options: SeededCloudOptions): Promise<SeededCloud> {
  const cloud: RunningCloud = await startCloud({
    dataFolder: options.dataFolder,
    mqttPort: 0,
    httpsPort: 0,
    ...(options.address === undefined ? {} : { address: options.address }),
    ...(options.onInternalError ? { onInternalError: options.onInternalError } : {}),
  });
  try {
    const client = ServiceClient.fromDataFolder(options.dataFolder);
    const existing = (await client.listDevices()).find((device) => device.deviceId === options.deviceId);
    if (existing && !existing.capabilities.iotEdge) {
      throw new InputError(`device ${options.deviceId} in the emulator at ${options.dataFolder} is not an IoT Edge device; give another --device-id, or remove it (edgewise cloud device remove ${options.deviceId} --data ${options.dataFolder})`, 'invalid-option');
    }
    const device = existing ?? (await client.createDevice(options.deviceId, { edge: true }));
    const deployed = options.deploy || !existing;
    if (deployed) await client.applyConfigurationContent(options.deviceId, { modulesContent: options.modulesContent });
    const { info } = cloud;
    const ca = readDataFile(info.ca);
    if (ca === undefined) throw new InputError(`the emulator's CA ${info.ca} cannot be read; remove ${options.dataFolder} and run again`, 'invalid-option');
    return {
      info,
      client,
      connectionString: deviceConnectionString(`${info.mqtt.host}:${info.mqtt.port}`, options.deviceId, device.authentication.symmetricKey.primaryKey),
      ca,
      createdDevice: !existing,
      deployed,
      close: () => cloud.close(),
    };
  } catch (error) {
    await cloud.close();
    throw error;
  }
}
