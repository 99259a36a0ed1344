// `edgewise cloud module add DEVICE MODULE`: a module identity; prints its connection string.
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, printed, withService } from './cloud-failure.js';

export async function runModuleAdd(deviceId: string, moduleId: string, options: CloudVerbOptions): Promise<CommandResult> {
  return withService('module add', options.data, async (client) => {
    const module = await client.createModule(deviceId, moduleId);
    const connectionString = client.connectionString(deviceId, module.authentication.symmetricKey.primaryKey, moduleId);
    return printed(options.json ? asJson({ deviceId, moduleId, connectionString }) : `${connectionString}\n`);
  });
}
