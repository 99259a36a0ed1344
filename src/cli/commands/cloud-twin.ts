// `edgewise cloud twin show ID[/MODULE]` and `twin update ID[/MODULE] --desired JSON`: a twin as
// IoT Hub's REST API has it; an update merges the patch into the desired properties (nulls
// delete) and prints the twin after it. A twin is JSON, so both print JSON.
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, printed, withService } from './cloud-failure.js';
import { parseJsonObjectOption, parseTarget } from './cloud-target.js';

export async function runTwinShow(target: string, options: CloudVerbOptions): Promise<CommandResult> {
  const { deviceId, moduleId } = parseTarget(target);
  return withService('twin show', options.data, async (client) => printed(asJson(await client.getTwin(deviceId, moduleId))));
}

export async function runTwinUpdate(target: string, options: CloudVerbOptions & { desired: string }): Promise<CommandResult> {
  const { deviceId, moduleId } = parseTarget(target);
  const desired = parseJsonObjectOption(options.desired, '--desired');
  return withService('twin update', options.data, async (client) => printed(asJson(await client.updateDesired(deviceId, moduleId, desired))));
}
