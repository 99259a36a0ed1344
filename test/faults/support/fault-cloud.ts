// The emulator (edgewise cloud, in-process) the fault tests deliver to: an edge device with child
// devices (the publishers), on an address of the test's own, optionally known to the hub by a
// second address (`alias`) where a cut-proxy stands in front of it: the emulator's certificate and
// the audiences it accepts name the alias too, so the hub reaches it only through the proxy.
// It can be stopped and started again on the same folder and ports, and its telemetry log is read
// incrementally (a long run holds hundreds of thousands of messages).
import { readFileSync, rmSync } from 'node:fs';
import { startCloud, type RunningCloud } from '../../../src/runtime/cloud/cloud-server.js';
import { ServiceClient, type CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { tempFolder } from '../../runtime/cloud/cloud-support.js';

export const EDGE_DEVICE = 'edge';

export interface FaultCloudOptions {
  address: string;
  /** Another loopback address the emulator answers to (a proxy listens there on the same ports). */
  alias?: string;
  /** Child devices of the edge device, created with it. */
  children: readonly string[];
}

export interface FaultCloud {
  readonly running: RunningCloud;
  readonly client: ServiceClient;
  readonly ca: string;
  readonly mqttPort: number;
  readonly httpsPort: number;
  /** Child device id → primary key. */
  readonly keys: ReadonlyMap<string, string>;
  /** The edge device's connection string, its HostName the alias (when given) and the MQTT port. */
  readonly edgeConnectionString: string;
  /** Every device-to-cloud message so far, in arrival order (reads only what is new since the last call). */
  messages(): Promise<readonly CloudMessage[]>;
  /** Stops the emulator, keeping its folder: connections through it end. */
  stop(): Promise<void>;
  /** Starts it again on the same folder, address and ports. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export async function startFaultCloud(options: FaultCloudOptions): Promise<FaultCloud> {
  const folder = tempFolder('edgewise-faults-cloud-');
  const serve = (ports: { mqttPort: number; httpsPort: number }): Promise<RunningCloud> =>
    startCloud({ dataFolder: folder, address: options.address, ...(options.alias === undefined ? {} : { name: options.alias }), ...ports });
  let running = await serve({ mqttPort: 0, httpsPort: 0 });
  let stopped = false;
  const { mqtt, https } = running.info;
  const client = ServiceClient.fromDataFolder(folder);
  const edge = await client.createDevice(EDGE_DEVICE, { edge: true });
  const keys = new Map<string, string>();
  for (const child of options.children) keys.set(child, (await client.createDevice(child, { parent: edge })).authentication.symmetricKey.primaryKey);
  const seen: CloudMessage[] = [];
  return {
    get running() {
      return running;
    },
    client,
    ca: readFileSync(running.info.ca, 'utf8'),
    mqttPort: mqtt.port,
    httpsPort: https.port,
    keys,
    edgeConnectionString: deviceConnectionString(`${options.alias ?? options.address}:${mqtt.port}`, EDGE_DEVICE, edge.authentication.symmetricKey.primaryKey),
    messages: async () => {
      for (;;) {
        const from = (seen[seen.length - 1]?.sequenceNumber ?? 0) + 1;
        const page = await client.readMessages(from, { limit: 5000 });
        seen.push(...page);
        if (page.length < 5000) return seen;
      }
    },
    stop: async () => {
      stopped = true;
      await running.close();
    },
    start: async () => {
      running = await serve({ mqttPort: mqtt.port, httpsPort: https.port });
      stopped = false;
    },
    close: async () => {
      if (!stopped) await running.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
