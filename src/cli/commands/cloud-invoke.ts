// `edgewise cloud invoke ID[/MODULE] METHOD [--payload JSON] [--timeout SECONDS]`: a direct
// method through the REST API; prints the device's {"status", "payload"}. A target behind an
// offline edge device fails with a line that says so.
import { CloudError } from '../../runtime/cloud/cloud-error.js';
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, cloudFailure, printed, withService } from './cloud-failure.js';
import { offlineEdgeOf } from './cloud-offline-target.js';
import { parseJsonOption, parseTarget } from './cloud-target.js';

export async function runInvoke(target: string, methodName: string, options: CloudVerbOptions & { payload?: string; timeout?: number }): Promise<CommandResult> {
  const { deviceId, moduleId } = parseTarget(target);
  const payload = options.payload === undefined ? null : parseJsonOption(options.payload, '--payload');
  return withService('invoke', options.data, async (client) => {
    try {
      const result = await client.invokeMethod(deviceId, moduleId, methodName, { payload, responseTimeoutInSeconds: options.timeout });
      return printed(asJson({ status: result.status, payload: result.payload }));
    } catch (error) {
      if (!(error instanceof CloudError) || error.errorCode !== 'DeviceNotOnline') throw error;
      // Behind an offline edge device the usual hint (connect it) is wrong: the target may be up, its edge's link is not.
      const edgeId = await offlineEdgeOf(client, deviceId, moduleId);
      if (edgeId === undefined) throw error;
      return cloudFailure('invoke', error, `${target} is behind the edge device ${edgeId}, which is offline: a method from the cloud needs its upstream link; retry once ${edgeId} reconnects`);
    }
  });
}
