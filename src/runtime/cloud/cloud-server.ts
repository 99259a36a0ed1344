// `edgewise cloud serve` as a library call: the local IoT Hub on one data folder. The first
// start makes what later starts reuse (a CA and a server certificate, the iothubowner keys, the
// store); every start opens the store, starts the MQTT server (the device side) and the HTTPS
// server (the service REST API), then writes DIR/cloud.json. close() stops both servers, closes
// the store and removes cloud.json, so a verb that finds no cloud.json knows no emulator runs.
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { isIP } from 'node:net';
import { InputError } from '../../errors.js';
import { openCloudStore, type CloudStore } from '../store/open-store.js';
import { ensureCertificates } from '../data-folder/certificates.js';
import { CloudToDeviceQueue } from './cloud-to-device-queue.js';
import { removeCloudInfo, writeCloudInfo, type CloudInfo } from './cloud-info.js';
import { serviceConnectionString } from '../iothub/connection-strings.js';
import { lockDataFolder, type DataFolderLock } from '../data-folder/data-folder-lock.js';
import { IdentityRegistry } from './identities.js';
import { startMqttServer, type MqttServer } from './mqtt/mqtt-server.js';
import { ensureOwnerPolicyKeys } from './owner-policy-keys.js';
import { startRestServer, type RestServer } from './rest/rest-server.js';
import { TelemetryLog } from './telemetry-log.js';
import { TwinStore } from './twins.js';

export type { CloudInfo } from './cloud-info.js';

export interface CloudServeOptions {
  dataFolder: string;
  /** The address both servers listen on (default 127.0.0.1). */
  address?: string;
  /** 0: the OS chooses (default 18883). */
  mqttPort?: number;
  /** 0: the OS chooses (default 18443). The service SDK reaches only 443. */
  httpsPort?: number;
  /** The hub's name, written in certificates and service tokens (default local-hub). */
  name?: string;
  /** Told of failures that are the emulator's own, for the caller's log. */
  onInternalError?: (error: unknown) => void;
}

export interface RunningCloud {
  info: CloudInfo;
  close(): Promise<void>;
}

export const CLOUD_DEFAULTS = { address: '127.0.0.1', mqttPort: 18883, httpsPort: 18443, name: 'local-hub' } as const;

export async function startCloud(options: CloudServeOptions): Promise<RunningCloud> {
  const dataFolder = resolve(options.dataFolder);
  const address = options.address ?? CLOUD_DEFAULTS.address;
  const name = options.name ?? CLOUD_DEFAULTS.name;
  if (!isIP(address)) throw new InputError(`--address ${address} is not an IP address; give the loopback or interface address to listen on, e.g. 127.0.0.1`, 'invalid-option');
  makeDataFolder(dataFolder);
  const lock = lockDataFolder(dataFolder);
  try {
    return await startLocked(dataFolder, address, name, options, lock);
  } catch (error) {
    lock.release();
    throw error;
  }
}

function makeDataFolder(dataFolder: string): void {
  try {
    mkdirSync(dataFolder, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new InputError(`--data ${dataFolder} is a file; name a folder for the emulator's data`, 'invalid-option');
    throw new InputError(`cannot create --data ${dataFolder} (${code ?? (error as Error).message}); check the path and its permissions`, 'invalid-option');
  }
}

async function startLocked(dataFolder: string, address: string, name: string, options: CloudServeOptions, lock: DataFolderLock): Promise<RunningCloud> {
  const certificates = ensureCertificates(join(dataFolder, 'certs'), { address, names: [name, 'localhost'] });
  const ownerKeys = ensureOwnerPolicyKeys(dataFolder);
  const store = openCloudStore(dataFolder);
  const registry = new IdentityRegistry(store);
  const twins = new TwinStore(store);
  const telemetry = new TelemetryLog(store);
  const cloudToDevice = new CloudToDeviceQueue(store, registry);
  const started: { mqtt?: MqttServer; rest?: RestServer } = {};
  // Clients sign for whatever their connection string's HostName says: the name, the address, either with a port.
  const hostNames = (): string[] => {
    const ports = [started.mqtt?.port, started.rest?.port].filter((port): port is number => port !== undefined);
    const hosts = [...new Set([name, address, 'localhost'])];
    return [...hosts, ...hosts.flatMap((host) => ports.map((port) => `${host}:${port}`))];
  };
  try {
    const tls = { key: certificates.key, cert: certificates.cert };
    started.mqtt = await listening('--mqtt-port', address, options.mqttPort ?? CLOUD_DEFAULTS.mqttPort, (port) =>
      startMqttServer({ host: address, port, tls, hostName: name, hostNames, registry, twins, telemetry, cloudToDevice }),
    );
    const mqtt = started.mqtt;
    started.rest = await listening('--https-port', address, options.httpsPort ?? CLOUD_DEFAULTS.httpsPort, (port) =>
      startRestServer({ host: address, port, tls, hostNames, ownerKeys: [ownerKeys.primaryKey, ownerKeys.secondaryKey], registry, twins, telemetry, cloudToDevice, methods: mqtt.methods, onInternalError: options.onInternalError }),
    );
  } catch (error) {
    await stopAll(started, store);
    throw error;
  }
  const info: CloudInfo = {
    hostName: name,
    mqtt: { host: address, port: started.mqtt.port },
    https: { host: address, port: started.rest.port },
    ca: certificates.caFile,
    serviceConnectionString: serviceConnectionString(name, ownerKeys.keyName, ownerKeys.primaryKey),
  };
  writeCloudInfo(dataFolder, info);
  let closing: Promise<void> | undefined;
  return {
    info,
    close: () => {
      closing ??= (async () => {
        removeCloudInfo(dataFolder);
        await stopAll(started, store);
        lock.release();
      })();
      return closing;
    },
  };
}

async function stopAll(started: { mqtt?: MqttServer; rest?: RestServer }, store: CloudStore): Promise<void> {
  // The REST side first: its method calls go through the MQTT side.
  await started.rest?.close();
  await started.mqtt?.close();
  await store.close();
}

/** Starts a server, turning the usual reasons it cannot listen into a line the user can act on. */
async function listening<T>(flag: string, address: string, port: number, start: (port: number) => Promise<T>): Promise<T> {
  try {
    return await start(port);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new InputError(`${address}:${port} is in use (another emulator?); choose another port with ${flag}`, 'address-in-use');
    if (code === 'EACCES') throw new InputError(`no permission to listen on ${address}:${port} (ports below 1024 need root); choose another port with ${flag}`, 'address-denied');
    if (code === 'EADDRNOTAVAIL') throw new InputError(`${address} is not an address of this machine; choose another with --address`, 'address-not-available');
    throw error;
  }
}
