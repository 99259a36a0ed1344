// How an `edgewise cloud` verb ends when the emulator said no: one line on stderr, exit 1, for
// each IoT Hub error code a hint at what to do. No emulator at all is a usage error (exit 2),
// which NoEmulatorError (an InputError) gets from main.ts.
import { CloudError } from '../../runtime/cloud/cloud-error.js';
import { ServiceClient } from '../../runtime/cloud/service-client.js';
import type { CommandResult } from '../command-result.js';

const HINTS: Record<string, string> = {
  DeviceNotFound: 'list the devices with `edgewise cloud device list`',
  ModuleNotFound: 'add it with `edgewise cloud module add DEVICE MODULE`',
  DeviceAlreadyExists: 'show it with `edgewise cloud device show ID`, or remove it first',
  ModuleAlreadyExistsOnDevice: 'it exists already; `edgewise cloud twin show DEVICE/MODULE` shows it',
  DeviceNotOnline: 'the target is not connected, or has not subscribed to direct methods; connect it and retry',
  GatewayTimeout: 'the target did not answer in time; a longer --timeout may help',
  DeviceMaximumQueueDepthExceeded: 'the device has 50 messages waiting; connect it so it receives them, then send again',
  PreconditionFailed: 'it changed meanwhile; retry',
  IotHubUnauthorizedAccess: 'the emulator refused the key in cloud.json; is --data the folder of the emulator that runs?',
  SystemModuleModifyUnauthorizedAccess: 'change $edgeAgent and $edgeHub with `edgewise cloud deploy EDGE_ID MANIFEST`',
};

export function cloudFailure(verb: string, error: CloudError, betterHint?: string): CommandResult {
  const hint = betterHint ?? HINTS[error.errorCode];
  const message = error.message.replace(/\s+/g, ' ').trim();
  return { exitCode: 1, stdout: '', stderr: `edgewise cloud ${verb}: ${message} (${error.status} ${error.errorCode})${hint ? `; ${hint}` : ''}\n`, files: [] };
}

/** Runs a verb against the emulator of the data folder; a CloudError becomes its one-line failure. */
export async function withService(verb: string, dataFolder: string | undefined, run: (client: ServiceClient) => Promise<CommandResult>): Promise<CommandResult> {
  const client = ServiceClient.fromDataFolder(dataFolder);
  try {
    return await run(client);
  } catch (error) {
    if (error instanceof CloudError) return cloudFailure(verb, error);
    throw error;
  }
}

export function printed(stdout: string): CommandResult {
  return { exitCode: 0, stdout, stderr: '', files: [] };
}

export function asJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
