// What the offline end-to-end proofs (issue 14, steps 1–3 and the cloud's calls) share: the
// emulator on a loopback address of the test file's own with its HTTPS on 443, so the official
// service SDK (azure-iothub, in a process of its own: service-sdk.mjs) reaches it; an edge device
// with child devices and out-of-band module identities the test opens itself; the hub and the
// agent (process backend) on a second address with ports 8883 and 443, where the device SDK looks
// for its gateway, running modules/sdk-module.mjs (ModuleClient.fromEnvironment) for each module;
// and the device SDK's Client and ModuleClient through GatewayHostName and the edge CA.
// Where 443 cannot be had (a normal user), the emulator's calls go through the project's
// ServiceClient and the hub listens on ports the OS chooses; tests that need
// ModuleClient.invokeMethod then skip, saying how to enable them (`skipWithoutPort443`).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, ModuleClient, type Message } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { InputError } from '../../../src/errors.js';
import { normalizeManifest } from '../../../src/manifest/normalize-manifest.js';
import { moduleLogPath } from '../../../src/runtime/agent/process/module-log-path.js';
import { createProcessBackend, type ProcessModuleHandle } from '../../../src/runtime/agent/process/process-backend.js';
import { startEdge, type EdgeOptions, type RunningEdge } from '../../../src/runtime/agent/start-edge.js';
import { CloudError } from '../../../src/runtime/cloud/cloud-error.js';
import type { DeviceIdentity } from '../../../src/runtime/cloud/identities.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { deploymentManifest } from '../../runtime/agent/assembly/edge-support.js';
import { startTestCloud, type TestCloud } from '../../runtime/cloud/cloud-support.js';
import { tempFolder } from '../../runtime/hub/assembly/hub-support.js';
import { waitFor } from '../../support/wait-for.js';

export { cloudMessages, removeTempFolders, tempFolder, runCli } from '../../runtime/hub/assembly/hub-support.js';
export { waitFor } from '../../support/wait-for.js';

export const EDGE = 'edge';
const MODULE_FOLDER = join(import.meta.dirname, 'modules');
const SERVICE_SDK = join(import.meta.dirname, 'service-sdk.mjs');
const SDK_MQTT_PORT = 8883;
const METHODS_PORT = 443;

/** How to let a normal user bind 443 (the same advice the demo gives). */
export const PORT_443_ADVICE = 'run the tests as root, or `sudo sysctl net.ipv4.ip_unprivileged_port_start=443`, or `sudo setcap cap_net_bind_service=+ep "$(command -v node)"`';

// ---------------------------------------------------------------------------------------------
// The emulator and the service side

export interface OfflineCloud extends TestCloud {
  /** The official service SDK reaches the emulator (its HTTPS is on 443 of its own name). */
  readonly serviceSdk: boolean;
}

function isPortRefusal(error: unknown): error is InputError {
  return error instanceof InputError && ['address-in-use', 'address-denied'].includes(error.code);
}

/** The emulator on `address`, named so; HTTPS on 443 when it can be had, else a port the OS chooses. */
export async function startOfflineCloud(address: string): Promise<OfflineCloud> {
  try {
    return { ...(await startTestCloud({ dataFolder: tempFolder('edgewise-e2e-cloud-'), address, httpsPort: METHODS_PORT, mqttPort: 0, name: address })), serviceSdk: true };
  } catch (error) {
    if (!isPortRefusal(error)) throw error;
    console.log(`the emulator cannot listen on ${address}:443 (${error.message}); service calls go through edgewise's ServiceClient instead of azure-iothub. To use the official SDK: ${PORT_443_ADVICE}`);
    return { ...(await startTestCloud({ dataFolder: tempFolder('edgewise-e2e-cloud-'), address, httpsPort: 0, mqttPort: 0, name: address })), serviceSdk: false };
  }
}

export interface ServiceSdkFailure {
  name: string;
  statusCode: number | null;
  errorCode: number | string | null;
  message: string;
}

export type ServiceSdkResult = { ok: unknown } | { error: ServiceSdkFailure };

export type ServiceSdkCall =
  | { op: 'create' | 'update'; device: Record<string, unknown> }
  | { op: 'get'; deviceId: string }
  | { op: 'list' }
  | { op: 'invoke'; deviceId: string; moduleId?: string; params: Record<string, unknown> };

/** Runs the calls one after the other with azure-iothub, in a process trusting the emulator's CA. */
export function runServiceSdk(cloud: TestCloud, calls: readonly ServiceSdkCall[]): Promise<ServiceSdkResult[]> {
  const argument = JSON.stringify({ connectionString: cloud.running.info.serviceConnectionString, calls });
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVICE_SDK, argument], { cwd: MODULE_FOLDER, env: { ...process.env, NODE_EXTRA_CA_CERTS: cloud.running.info.ca }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as ServiceSdkResult[]) : reject(new Error(`service-sdk.mjs exited ${code}: ${stderr}`))));
  });
}

export interface MethodTarget {
  deviceId: string;
  moduleId?: string;
}

/** A cloud-invoked method's outcome: the device's answer, or the cloud's refusal (HTTP status and IoT Hub's numeric code). */
export type CloudMethodOutcome = { status: number; payload: unknown } | { httpStatus: number | null; errorCode: number | string | null };

/**
 * Invokes direct methods from the cloud, one after the other: with azure-iothub's
 * Client.invokeDeviceMethod where it reaches the emulator, else with the project's ServiceClient.
 */
export async function invokeFromCloud(cloud: OfflineCloud, calls: readonly (MethodTarget & { methodName: string; payload?: unknown; responseTimeoutInSeconds?: number })[]): Promise<CloudMethodOutcome[]> {
  if (cloud.serviceSdk) {
    const results = await runServiceSdk(
      cloud,
      calls.map((call) => ({ op: 'invoke', deviceId: call.deviceId, ...(call.moduleId === undefined ? {} : { moduleId: call.moduleId }), params: { methodName: call.methodName, payload: call.payload ?? null, responseTimeoutInSeconds: call.responseTimeoutInSeconds ?? 10, connectTimeoutInSeconds: 0 } })),
    );
    return results.map((result) => ('ok' in result ? (result.ok as { status: number; payload: unknown }) : { httpStatus: result.error.statusCode, errorCode: result.error.errorCode }));
  }
  const outcomes: CloudMethodOutcome[] = [];
  for (const call of calls) {
    try {
      outcomes.push(await cloud.client.invokeMethod(call.deviceId, call.moduleId, call.methodName, { payload: call.payload ?? null, responseTimeoutInSeconds: call.responseTimeoutInSeconds ?? 10 }));
    } catch (error) {
      if (!(error instanceof CloudError)) throw error;
      outcomes.push({ httpStatus: error.status, errorCode: error.numericCode ?? error.errorCode });
    }
  }
  return outcomes;
}

// ---------------------------------------------------------------------------------------------
// The edge: hub and agent, with SDK modules

export interface OfflineEdgeOptions {
  cloudAddress: string;
  /** The hub's address (8883 and 443 there); GatewayHostName names it. */
  hubAddress: string;
  /** Modules the agent runs (each modules/sdk-module.mjs), with the desired properties their twins start with. */
  modules: Record<string, { desired?: Record<string, unknown> }>;
  routes: Record<string, string>;
  /** Child devices of the edge device. */
  children?: readonly string[];
  /** Module identities of the edge device that the agent does not run: the test opens them with ModuleClient. */
  testModules?: readonly string[];
}

export interface OfflineEdge {
  cloud: OfflineCloud;
  /** The running edge; a new one after restartEdge(). */
  readonly edge: RunningEdge;
  dataFolder: string;
  hubLog: string[];
  agentLog: string[];
  /** What clients write in GatewayHostName: the hub's address, with the MQTT port when it is not 8883. */
  readonly gatewayHostName: string;
  /** The hub's HTTPS is on 443, where ModuleClient.invokeMethod calls its gateway. */
  readonly methodsReachable: boolean;
  /** A child device (Client) or an out-of-band module (ModuleClient) opened through the hub; closed by closeClients(). */
  openChild(deviceId: string): Promise<Client>;
  openModule(moduleId: string): Promise<ModuleClient>;
  /** The child's connection string through the hub (for a client the test opens itself). */
  childConnectionString(deviceId: string): string;
  /** Adds a child of the edge device in the cloud now (the hub knows it only after its next scope read). */
  addChild(deviceId: string): Promise<void>;
  /** Closes every client opened above. */
  closeClients(): Promise<void>;
  pidOf(module: string): number | undefined;
  /** What a module printed so far (DATA/logs/{module}.log, where the process backend keeps its output). */
  moduleLog(module: string): string;
  /** Entries waiting in the $upstream queue. */
  upstreamDepth(): number;
  connectedClients(): string[];
  /** Closes the clients, stops the edge (agent, modules, hub) and starts it again on the same folder and ports. */
  restartEdge(): Promise<void>;
  close(): Promise<void>;
}

const SCRIPT = 'sdk-module.mjs';

export function offlineManifest(modules: OfflineEdgeOptions['modules'], routes: Record<string, string>): Record<string, unknown> {
  const manifest = deploymentManifest(Object.fromEntries(Object.keys(modules).map((name) => [name, {}])), routes) as { modulesContent: Record<string, unknown> };
  for (const [name, module] of Object.entries(modules)) {
    if (module.desired !== undefined) manifest.modulesContent[name] = { 'properties.desired': module.desired };
  }
  return manifest;
}

export async function startOfflineEdge(options: OfflineEdgeOptions): Promise<OfflineEdge> {
  const cloud = await startOfflineCloud(options.cloudAddress);
  const clients: (Client | ModuleClient)[] = [];
  let edge: RunningEdge | undefined;
  try {
    const keys = new Map<string, string>();
    const edgeDevice: DeviceIdentity = await cloud.client.createDevice(EDGE, { edge: true });
    for (const child of options.children ?? []) keys.set(child, (await cloud.client.createDevice(child, { parent: edgeDevice })).authentication.symmetricKey.primaryKey);
    for (const module of options.testModules ?? []) keys.set(`${EDGE}/${module}`, (await cloud.client.createModule(EDGE, module)).authentication.symmetricKey.primaryKey);
    const manifest = offlineManifest(options.modules, options.routes);
    await cloud.client.applyConfigurationContent(EDGE, manifest as { modulesContent: Record<string, unknown> });

    const hostName = `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`;
    const dataFolder = join(tempFolder('edgewise-e2e-edge-'), 'hub');
    const hubLog: string[] = [];
    const agentLog: string[] = [];
    const modules = Object.fromEntries(Object.keys(options.modules).map((name) => [name, { command: [process.execPath, SCRIPT], cwd: MODULE_FOLDER, env: {} }]));
    const edgeOptions: EdgeOptions = {
      hub: {
        dataFolder,
        manifest: await normalizeManifest(manifest, { flavour: 'manifest' }),
        connectionString: deviceConnectionString(hostName, EDGE, edgeDevice.authentication.symmetricKey.primaryKey),
        cloudCa: cloud.ca,
        cloudHttpsPort: cloud.running.info.https.port,
        address: options.hubAddress,
        upstreamBackoff: { minMs: 100, maxMs: 1000 },
        log: (line) => hubLog.push(line),
      },
      createBackend: (folder) => createProcessBackend({ modulesFile: { file: 'modules.yaml', modules }, dataFolder: folder, log: (line) => agentLog.push(`backend: ${line}`), closeGraceMs: 3000 }),
      agentLog: (line) => agentLog.push(line),
      agent: { backoff: { minMs: 300, maxMs: 2000 }, stopGraceMs: 3000, reportDelayMs: 100 },
    };
    edge = await startEdge(edgeOptions).catch((error: unknown) => {
      if (!isPortRefusal(error)) throw error;
      console.log(`the hub cannot listen on ${options.hubAddress}:8883/443 (${error.message}); it listens on ports the OS chooses, and tests of ModuleClient.invokeMethod skip. To run them: ${PORT_443_ADVICE}`);
      return startEdge({ ...edgeOptions, hub: { ...edgeOptions.hub, mqttPort: 0, httpsPort: 0 } });
    });
    const info = edge.hub.info;
    // A restart takes the same ports, so the connection strings made before stay right.
    edgeOptions.hub = { ...edgeOptions.hub, mqttPort: info.mqtt.port, httpsPort: info.https.port };
    const gatewayHostName = info.mqtt.port === SDK_MQTT_PORT ? info.gatewayHostName : `${info.gatewayHostName}:${info.mqtt.port}`;
    const keyOf = (id: string): string => {
      const key = keys.get(id);
      if (key === undefined) throw new Error(`${id} is not a child device or test module of this scenario`);
      return key;
    };
    const current = (): RunningEdge => {
      if (edge === undefined) throw new Error('the edge is not running');
      return edge;
    };
    const childConnectionString = (deviceId: string): string => `${deviceConnectionString(hostName, deviceId, keyOf(deviceId))};GatewayHostName=${gatewayHostName}`;
    const open = async <T extends Client | ModuleClient>(client: T): Promise<T> => {
      clients.push(client);
      await client.setOptions({ ca: current().hub.edgeCa() });
      await client.open();
      return client;
    };
    const closeClients = async (): Promise<void> => {
      await Promise.all(clients.splice(0).map((client) => client.close().catch(() => undefined)));
    };
    await waitFor('the upstream to connect', () => current().hub.upstreamState === 'connected');
    return {
      cloud,
      get edge() {
        return current();
      },
      dataFolder,
      hubLog,
      agentLog,
      gatewayHostName,
      methodsReachable: info.https.port === METHODS_PORT,
      openChild: (deviceId) => open(Client.fromConnectionString(childConnectionString(deviceId), Mqtt)),
      openModule: (moduleId) => open(ModuleClient.fromConnectionString(`${deviceConnectionString(hostName, EDGE, keyOf(`${EDGE}/${moduleId}`), moduleId)};GatewayHostName=${gatewayHostName}`, Mqtt)),
      childConnectionString,
      addChild: async (deviceId) => {
        keys.set(deviceId, (await cloud.client.createDevice(deviceId, { parent: edgeDevice })).authentication.symmetricKey.primaryKey);
      },
      closeClients,
      pidOf: (name) => (current().agent.handleOf(name) as ProcessModuleHandle | undefined)?.pid,
      moduleLog: (name) => {
        const file = moduleLogPath(dataFolder, name);
        return existsSync(file) ? readFileSync(file, 'utf8') : '';
      },
      upstreamDepth: () =>
        current()
          .hub.status()
          .queues.filter((queue) => queue.endpoint === '$upstream')
          .reduce((sum, queue) => sum + queue.depth, 0),
      connectedClients: () => current().hub.status().clients.map((client) => client.clientId),
      restartEdge: async () => {
        await closeClients();
        const stopping = current();
        edge = undefined;
        await stopping.close();
        edge = await startEdge(edgeOptions);
      },
      close: async () => {
        await closeClients();
        await edge?.close();
        await cloud.close();
      },
    };
  } catch (error) {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await edge?.close().catch(() => undefined);
    await cloud.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------
// Clients

/** Skips the test, saying why and how to enable it, when the hub could not take port 443. */
export function skipWithoutPort443(scenario: OfflineEdge, context: { skip: (note?: string) => void }): void {
  if (scenario.methodsReachable) return;
  const reason = `skipped: ModuleClient.invokeMethod reaches its gateway only on port 443, which the hub could not bind; to run it: ${PORT_443_ADVICE}`;
  console.log(reason);
  context.skip(reason);
}

/** What ModuleClient.invokeMethod gave: the target's answer, or the gateway's HTTP status. */
export type GatewayMethodOutcome = { status: number; payload: unknown } | { httpStatus: number | null; errorName: string };

/** One direct-method call from a module through the hub's HTTPS (ModuleClient.invokeMethod). */
export async function invokeThroughHub(caller: ModuleClient, target: MethodTarget, methodName: string, payload: unknown = null, responseTimeoutInSeconds = 10): Promise<GatewayMethodOutcome> {
  const params = { methodName, payload, responseTimeoutInSeconds, connectTimeoutInSeconds: 0 };
  try {
    const result = target.moduleId === undefined ? await caller.invokeMethod(target.deviceId, params) : await caller.invokeMethod(target.deviceId, target.moduleId, params);
    return result as { status: number; payload: unknown };
  } catch (error) {
    const failure = error as Error & { response?: { statusCode?: number } };
    return { httpStatus: failure.response?.statusCode ?? null, errorName: failure.name };
  }
}

/**
 * Calls a method until the target answers: a module just started (or restarted) has to connect
 * and subscribe to methods first, and until then the hub answers 404.
 */
export async function invokeWhenReady(caller: ModuleClient, target: MethodTarget, methodName: string, payload: unknown = null): Promise<{ status: number; payload: unknown }> {
  let last: GatewayMethodOutcome | undefined;
  try {
    return await waitFor(
      `${target.deviceId}/${target.moduleId ?? ''} to answer ${methodName}`,
      async () => {
        last = await invokeThroughHub(caller, target, methodName, payload);
        return 'status' in last ? last : undefined;
      },
      30_000,
      200,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; last outcome ${JSON.stringify(last)}`);
  }
}

export interface ReceivedMessage {
  input?: string;
  body: string;
  properties: Record<string, string>;
}

export function propertiesOf(message: Message): Record<string, string> {
  const entries: Record<string, string> = {};
  for (let index = 0; index < message.properties.count(); index++) {
    const { key, value } = message.properties.getItem(index);
    entries[key] = value;
  }
  return entries;
}

/** Collects a module's input messages (completing each), or a device's cloud-to-device messages. */
export function collectInputs(client: ModuleClient): ReceivedMessage[] {
  const received: ReceivedMessage[] = [];
  client.on('inputMessage', (input: string, message: Message) => {
    received.push({ input, body: message.getBytes().toString('utf8'), properties: propertiesOf(message) });
    void client.complete(message).catch(() => undefined);
  });
  return received;
}

export function collectCloudToDevice(client: Client): ReceivedMessage[] {
  const received: ReceivedMessage[] = [];
  client.on('message', (message: Message) => {
    received.push({ body: message.getBytes().toString('utf8'), properties: propertiesOf(message) });
    void client.complete(message).catch(() => undefined);
  });
  return received;
}
