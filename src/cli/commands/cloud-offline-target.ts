// Why a cloud call cannot reach a device now, in the words of IoT Edge's offline model: a child
// device or a module behind an edge device is reachable from the cloud only through that edge
// device's upstream link, so while it is offline cloud-to-device messages wait in the cloud and
// direct methods from the cloud fail (docs/FACTS.md §9).
import { CloudError } from '../../runtime/cloud/cloud-error.js';
import type { ServiceClient } from '../../runtime/cloud/service-client.js';
import { parentIdOf } from './cloud-device.js';

/** The edge device whose link a target depends on, when that device is offline; undefined otherwise. */
export async function offlineEdgeOf(client: ServiceClient, deviceId: string, moduleId: string | undefined): Promise<string | undefined> {
  try {
    const device = await client.getDevice(deviceId);
    const edgeId = moduleId !== undefined && device.capabilities.iotEdge ? deviceId : parentIdOf(device);
    if (edgeId === undefined) return undefined;
    const edge = edgeId === deviceId ? device : await client.getDevice(edgeId);
    return edge.connectionState === 'Disconnected' ? edgeId : undefined;
  } catch (error) {
    // Only a hint: a failed lookup leaves the answer the cloud gave.
    if (error instanceof CloudError) return undefined;
    throw error;
  }
}

/** Whether the target itself is connected (for a module: its device's connection, as IoT Hub shows it). */
export async function isDisconnected(client: ServiceClient, deviceId: string): Promise<boolean> {
  try {
    return (await client.getDevice(deviceId)).connectionState === 'Disconnected';
  } catch (error) {
    if (error instanceof CloudError) return false;
    throw error;
  }
}
