// What the assembly tests share: the emulator (`edgewise cloud`, in-process) with an edge device,
// its modules, its child devices and a child of another edge device; deployment manifests built
// from a few routes; the official SDK clients pointed at the hub through GatewayHostName and
// DIR/edge-ca.pem; a bare MQTT.js client for what the SDK never sends; and polling with generous
// deadlines instead of sleeps.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import mqtt, { type MqttClient } from 'mqtt';
import type { CloudMessage } from '../../../../src/runtime/cloud/service-client.js';
import { deviceConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import type { HubInfo } from '../../../../src/runtime/hub/hub-info.js';
import type { HubStatus } from '../../../../src/runtime/hub/hub-status.js';
import { startHub, type HubOptions, type RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';
import { tempFolders } from '../../../support/temp-folders.js';

export { ROOT, BIN, runCli } from '../../cloud/cloud-support.js';

export const EDGE = 'edge';

/** The identities every scenario registers, by client id (`{d}` or `{d}/{m}`), with their primary keys. */
export interface Scenario {
  cloud: TestCloud;
  /** HostName as the emulator's connection strings write it: the address and its MQTT port. */
  hostName: string;
  keys: Map<string, string>;
  /** The edge device's connection string. */
  edgeConnectionString: string;
  /** A connection string for a registered identity, through the hub when `hub` is given. */
  connectionString(deviceId: string, moduleId?: string, hub?: HubInfo): string;
  /** A SAS token for a registered identity (its primary key unless one is given). */
  token(deviceId: string, moduleId: string | undefined, expiresAtSeconds: number, key?: string): string;
  close(): Promise<void>;
}

/**
 * An emulator with: the edge device `edge`, its modules `filter` and `sink` (and $edgeAgent,
 * $edgeHub), its children `child-a` and `child-b`, and `stranger`, a child of `other-edge`.
 */
export async function startScenario(): Promise<Scenario> {
  const cloud = await startTestCloud();
  const { client } = cloud;
  const keys = new Map<string, string>();
  const edge = await client.createDevice(EDGE, { edge: true });
  keys.set(EDGE, edge.authentication.symmetricKey.primaryKey);
  for (const child of ['child-a', 'child-b']) keys.set(child, (await client.createDevice(child, { parent: edge })).authentication.symmetricKey.primaryKey);
  for (const module of ['filter', 'sink']) keys.set(`${EDGE}/${module}`, (await client.createModule(EDGE, module)).authentication.symmetricKey.primaryKey);
  const otherEdge = await client.createDevice('other-edge', { edge: true });
  keys.set('stranger', (await client.createDevice('stranger', { parent: otherEdge })).authentication.symmetricKey.primaryKey);
  const hostName = `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`;
  const keyOf = (deviceId: string, moduleId?: string): string => {
    const key = keys.get(moduleId === undefined ? deviceId : `${deviceId}/${moduleId}`);
    if (key === undefined) throw new Error(`no identity ${deviceId}${moduleId ? `/${moduleId}` : ''} in the scenario`);
    return key;
  };
  return {
    cloud,
    hostName,
    keys,
    edgeConnectionString: deviceConnectionString(hostName, EDGE, keyOf(EDGE)),
    connectionString: (deviceId, moduleId, hub) => {
      const direct = deviceConnectionString(hostName, deviceId, keyOf(deviceId, moduleId), moduleId);
      return hub === undefined ? direct : `${direct};GatewayHostName=${hub.mqtt.host}:${hub.mqtt.port}`;
    },
    token: (deviceId, moduleId, expiresAtSeconds, key) => signSasToken(`${hostName}/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`, key ?? keyOf(deviceId, moduleId), expiresAtSeconds),
    close: () => cloud.close(),
  };
}

export type RouteSpec = string | { route: string; priority?: number; timeToLiveSecs?: number };

/** A deployment manifest that lints clean: edgeAgent, edgeHub, the modules `filter` and `sink`, and these routes. */
export function hubManifest(routes: Record<string, RouteSpec>, options: { timeToLiveSecs?: number } = {}): Record<string, unknown> {
  const module = (name: string) => ({ version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: `example.azurecr.io/${name}:1.0`, createOptions: '{}' } });
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '', registryCredentials: {} } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' }, env: { UpstreamProtocol: { value: 'Mqtt' } } },
            edgeHub: {
              type: 'docker',
              status: 'running',
              restartPolicy: 'always',
              settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '{"HostConfig":{"PortBindings":{"8883/tcp":[{"HostPort":"8883"}],"443/tcp":[{"HostPort":"443"}]}}}' },
              env: { UpstreamProtocol: { value: 'Mqtt' } },
            },
          },
          modules: { filter: module('filter'), sink: module('sink') },
        },
      },
      $edgeHub: {
        'properties.desired': {
          schemaVersion: '1.1',
          routes,
          storeAndForwardConfiguration: { timeToLiveSecs: options.timeToLiveSecs ?? 7200 },
        },
      },
    },
  };
}

/** The routes most tests use: children's telemetry up, filter's output `out` to sink's input `in`, sink's output up. */
export const STANDARD_ROUTES: Record<string, RouteSpec> = {
  children: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream',
  filterToSink: 'FROM /messages/modules/filter/outputs/out INTO BrokeredEndpoint("/modules/sink/inputs/in")',
  sinkUp: 'FROM /messages/modules/sink/outputs/* INTO $upstream',
};

const folders = tempFolders('edgewise-hub-');

export const tempFolder = folders.make;
export const removeTempFolders = folders.removeAll;

export function writeManifest(folder: string, manifest: unknown, name = 'deployment.json'): string {
  const path = join(folder, name);
  writeFileSync(path, `${JSON.stringify(manifest, null, 2)}\n`);
  return path;
}

/** The edge CA the hub wrote, as clients read it. */
export function edgeCa(info: HubInfo): string {
  return readFileSync(info.ca, 'utf8');
}

export async function openGatewayDevice(info: HubInfo, connectionString: string): Promise<Client> {
  const client = Client.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: edgeCa(info) });
  await client.open();
  return client;
}

export async function openGatewayModule(info: HubInfo, connectionString: string): Promise<ModuleClient> {
  const client = ModuleClient.fromConnectionString(connectionString, Mqtt);
  await client.setOptions({ ca: edgeCa(info) });
  await client.open();
  return client;
}

/** Resolves with the error name an SDK client's open() fails with, or 'accepted'. */
export async function refusalOf(client: Client | ModuleClient, info: HubInfo): Promise<string> {
  await client.setOptions({ ca: edgeCa(info) });
  try {
    await client.open();
  } catch (error) {
    return (error as Error).name;
  } finally {
    await client.close();
  }
  return 'accepted';
}

export function numbered(sender: string, index: number, properties: Record<string, string> = {}): Message {
  const message = new Message(JSON.stringify({ sender, index }));
  message.properties.add('index', String(index));
  for (const [key, value] of Object.entries(properties)) message.properties.add(key, value);
  return message;
}

/** A bare MQTT 3.1.1 client (MQTT.js) to the hub, for what the SDK never sends; no reconnects. */
export function rawConnect(info: HubInfo, clientId: string, username: string, password: string): Promise<MqttClient> {
  return mqtt.connectAsync({
    protocol: 'mqtts',
    host: info.mqtt.host,
    port: info.mqtt.port,
    ca: edgeCa(info),
    clientId,
    username,
    password,
    protocolVersion: 4,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
  });
}

/** Every device-to-cloud message the emulator holds, in arrival order. */
export async function cloudMessages(cloud: TestCloud): Promise<CloudMessage[]> {
  const all: CloudMessage[] = [];
  let from = 1;
  for (;;) {
    const page = await cloud.client.readMessages(from, { limit: 5000 });
    all.push(...page);
    if (page.length < 5000) return all;
    from = page[page.length - 1]!.sequenceNumber + 1;
  }
}

/** Messages waiting to go up, over every priority of the `$upstream` queue. */
export function upstreamDepth(status: HubStatus): number {
  return status.queues.filter((queue) => queue.endpoint === '$upstream').reduce((sum, queue) => sum + queue.depth, 0);
}

/** Polls until `probe` gives something truthy; fails with `what` after the deadline. */
export async function waitFor<T>(what: string, probe: () => T | Promise<T>, deadlineMs = 20_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + deadlineMs;
  let last: T | undefined;
  for (;;) {
    last = await probe();
    if (last) return last as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 500)})`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * A hub for the scenario's edge device, trusting its emulator, on ports the OS chooses, with short
 * reconnect delays; `overrides` replace any of these. Resolves once the upstream is connected.
 */
export async function startScenarioHub(scenario: Scenario, overrides: Partial<HubOptions> & { routes?: Record<string, RouteSpec>; timeToLiveSecs?: number } = {}): Promise<RunningHub> {
  const { routes = STANDARD_ROUTES, timeToLiveSecs, ...options } = overrides;
  const hub = await startHub({
    dataFolder: tempFolder(),
    manifest: await normalizeManifest(hubManifest(routes, timeToLiveSecs === undefined ? {} : { timeToLiveSecs }), { flavour: 'manifest' }),
    connectionString: scenario.edgeConnectionString,
    cloudCa: scenario.cloud.ca,
    cloudHttpsPort: scenario.cloud.running.info.https.port,
    mqttPort: 0,
    httpsPort: 0,
    upstreamBackoff: { minMs: 100, maxMs: 1000 },
    ...options,
  });
  await waitFor('the upstream to connect', () => hub.upstreamState === 'connected');
  return hub;
}

