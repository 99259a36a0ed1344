// The demo's edge: the hub and the agent in this process (startEdge, as `edgewise run` starts
// them) with the process backend running the example's modules, then the child device as a
// process of its own. The hub takes 8883 and 443 when it can (gateway-ports.ts). Back-offs are
// shorter than edgeAgent's and the link's defaults: on loopback the cloud is back at once, and a
// module killed on purpose should be back within the outage.
import { createProcessBackend } from '../../runtime/agent/process/process-backend.js';
import { startEdge, type RunningEdge } from '../../runtime/agent/start-edge.js';
import type { HubInfo } from '../../runtime/hub/index.js';
import { ChildDevice } from './child-device.js';
import { CHILD_DEVICE, type DemoContext } from './demo-context.js';
import { startOnGatewayPorts, type MethodStepBlocked } from './gateway-ports.js';

/** How often the child device sends a reading. */
const CHILD_INTERVAL_MS = 500;
const SDK_MQTT_PORT = 8883;

export interface DemoEdge {
  edge: RunningEdge;
  child: ChildDevice;
  /** Set when the hub could not take the ports the module-to-child direct method needs. */
  methodBlocked?: MethodStepBlocked;
}

export async function startDemoEdge(context: DemoContext): Promise<DemoEdge> {
  const { cloud, example, folder, options, log } = context;
  const { started: edge, blocked } = await startOnGatewayPorts(options.address, (ports) =>
    startEdge({
      hub: {
        dataFolder: folder.hub,
        manifest: example.manifest,
        connectionString: cloud.connectionString,
        cloudCa: cloud.ca,
        cloudHttpsPort: cloud.info.https.port,
        address: options.address,
        ...ports,
        log: (line) => log(`hub: ${line}`),
        upstreamBackoff: { minMs: 250, maxMs: 2000 },
      },
      createBackend: (dataFolder) => createProcessBackend({ modulesFile: example.modulesFile, dataFolder, log: (line) => log(`agent: ${line}`), closeGraceMs: 3000 }),
      agentLog: (line) => log(`agent: ${line}`),
      agent: { backoff: { minMs: 1000, maxMs: 10_000 }, stopGraceMs: 3000 },
    }),
  );
  context.onClose(() => edge.close());
  const child = await childDeviceOf(context, edge, CHILD_DEVICE);
  return { edge, child, ...(blocked === undefined ? {} : { methodBlocked: blocked }) };
}

/** A child device of the edge device, run with the example's script, not started yet; stopped when the demo ends, before the edge (a device leaves before its gateway does). */
export async function childDeviceOf(context: DemoContext, edge: RunningEdge, deviceId: string): Promise<ChildDevice> {
  const { cloud, example, log } = context;
  const key = (await cloud.client.getDevice(deviceId)).authentication.symmetricKey.primaryKey;
  const child = new ChildDevice({
    script: example.childScript,
    deviceId,
    connectionString: `${cloud.client.connectionString(deviceId, key)};GatewayHostName=${gatewayHostName(edge.hub.info)}`,
    edgeCaFile: edge.hub.info.ca,
    intervalMs: CHILD_INTERVAL_MS,
    log,
  });
  context.onClose(() => child.stop());
  return child;
}

/** What a child device writes in GatewayHostName: the hub's name, with its port when that is not MQTT's 8883 (the Node SDK accepts `host:port`). */
export function gatewayHostName(info: HubInfo): string {
  return info.mqtt.port === SDK_MQTT_PORT ? info.gatewayHostName : `${info.gatewayHostName}:${info.mqtt.port}`;
}
