// `edgewise cloud invoke ID[/MODULE] METHOD [--payload JSON] [--timeout SECONDS]`: a direct
// method through the REST API; prints the device's {"status", "payload"}.
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, printed, withService } from './cloud-failure.js';
import { parseJsonOption, parseTarget } from './cloud-target.js';

export async function runInvoke(target: string, methodName: string, options: CloudVerbOptions & { payload?: string; timeout?: number }): Promise<CommandResult> {
  const { deviceId, moduleId } = parseTarget(target);
  const payload = options.payload === undefined ? null : parseJsonOption(options.payload, '--payload');
  return withService('invoke', options.data, async (client) => {
    const result = await client.invokeMethod(deviceId, moduleId, methodName, { payload, responseTimeoutInSeconds: options.timeout });
    return printed(asJson({ status: result.status, payload: result.payload }));
  });
}
