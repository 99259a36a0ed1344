// `edgewise cloud send DEVICE_ID --body TEXT [--property K=V]…`: queues a cloud-to-device message
// through the emulator's REST extra; prints its message id (`{"messageId"}` with --json). The device
// receives it when it is connected and subscribed, now or later; stderr says when it must wait.
import { InputError } from '../../errors.js';
import type { ServiceClient } from '../../runtime/cloud/service-client.js';
import type { CommandResult } from '../command-result.js';
import type { CloudVerbOptions } from './cloud-device.js';
import { asJson, printed, withService } from './cloud-failure.js';
import { isDisconnected, offlineEdgeOf } from './cloud-offline-target.js';

export async function runSend(deviceId: string, options: CloudVerbOptions & { body: string; property?: string[] }): Promise<CommandResult> {
  if (deviceId === '') throw new InputError('an empty device id names no device; give the id, e.g. sensor-1', 'invalid-option');
  const properties = parseProperties(options.property ?? []);
  return withService('send', options.data, async (client) => {
    const { messageId } = await client.sendCloudToDevice(deviceId, { body: options.body, properties });
    return { ...printed(options.json ? asJson({ messageId }) : `${messageId}\n`), stderr: await waitingNote(client, deviceId) };
  });
}

/** Said on stderr when the device cannot take the message now: it waits in the cloud, as IoT Hub keeps it. */
async function waitingNote(client: ServiceClient, deviceId: string): Promise<string> {
  if (!(await isDisconnected(client, deviceId))) return '';
  const edgeId = await offlineEdgeOf(client, deviceId, undefined);
  const why = edgeId === undefined ? `${deviceId} is not connected` : `${deviceId} is behind the edge device ${edgeId}, which is offline`;
  return `edgewise cloud send: ${why}; the message waits in the cloud until ${deviceId} connects, or until it expires\n`;
}

function parseProperties(pairs: readonly string[]): Record<string, string> {
  const properties: [string, string][] = [];
  for (const pair of pairs) {
    const equals = pair.indexOf('=');
    if (equals <= 0) throw new InputError(`--property ${pair} is not KEY=VALUE; write e.g. --property priority=high`, 'invalid-option');
    const key = pair.slice(0, equals);
    if (key.startsWith('$')) throw new InputError(`--property ${pair}: names starting with $ are IoT Hub's system properties; choose another name`, 'invalid-option');
    properties.push([key, pair.slice(equals + 1)]);
  }
  return Object.fromEntries(properties);
}
