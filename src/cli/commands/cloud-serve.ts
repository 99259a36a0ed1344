// `edgewise cloud serve --data DIR [--address A] [--mqtt-port P] [--https-port P] [--name N]`:
// runs the local IoT Hub until SIGINT or SIGTERM, then stops it cleanly (servers closed, store
// flushed and closed, cloud.json removed) and exits 0. One line says where it listens; failures
// that are the emulator's own are logged to stderr, one line each, while it keeps serving.
import { join } from 'node:path';
import { startCloud } from '../../runtime/cloud/cloud-server.js';
import { DEFAULT_DATA_FOLDER } from '../../runtime/cloud/service-client.js';
import type { CommandResult } from '../command-result.js';

export interface ServeOptions {
  data?: string;
  address?: string;
  mqttPort?: number;
  httpsPort?: number;
  name?: string;
}

export interface ServeIo {
  /** Writes a line to stdout at once (the command runs until stopped). */
  out(text: string): void;
  err(text: string): void;
  stop: AbortSignal;
}

export async function runCloudServe(options: ServeOptions, io: ServeIo): Promise<CommandResult> {
  const dataFolder = options.data ?? DEFAULT_DATA_FOLDER;
  const cloud = await startCloud({
    dataFolder,
    address: options.address,
    mqttPort: options.mqttPort,
    httpsPort: options.httpsPort,
    name: options.name,
    onInternalError: (error) => io.err(`edgewise cloud serve: internal error: ${(error as Error).message ?? String(error)}\n`),
  });
  const { info } = cloud;
  io.out(`edgewise cloud: ${info.hostName} listening on mqtts://${info.mqtt.host}:${info.mqtt.port} (devices) and https://${info.https.host}:${info.https.port} (service API); details in ${join(dataFolder, 'cloud.json')}\n`);
  await new Promise<void>((resolve) => {
    if (io.stop.aborted) resolve();
    else io.stop.addEventListener('abort', () => resolve(), { once: true });
  });
  await cloud.close();
  return { exitCode: 0, stdout: '', stderr: '', files: [] };
}
