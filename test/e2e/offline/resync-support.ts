// What e2e-b's offline proofs share (the resync order and twins offline): the edge (hub + agent,
// process backend) from startEdgeScenario with modules running modules-b/twin-module.mjs, an
// official SDK module the test drives with messages routed from a child device to its input
// `commands` (routes work offline, cloud-invoked methods do not); child devices as the SDK's
// Client through GatewayHostName and the edge CA; what a module saw, read back from the log the
// agent keeps of its output; and twins as the emulator holds them, compared without the
// cloud's `$metadata`.
import { join } from 'node:path';
import { Client, Message, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { moduleLogPath } from '../../../src/runtime/agent/process/module-log-path.js';
import { readModuleLog } from '../../../src/runtime/agent/process/module-log-reader.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import type { HubInfo } from '../../../src/runtime/hub/hub-info.js';
import { deploymentManifest, EDGE, startEdgeScenario, type EdgeScenario } from '../../runtime/agent/assembly/edge-support.js';
import { openGatewayDevice, refusalOf } from '../../runtime/hub/assembly/hub-support.js';

export { cloudMessages, EDGE, removeTempFolders, type EdgeScenario } from '../../runtime/agent/assembly/edge-support.js';
export { waitFor } from '../../support/wait-for.js';

export type Json = Record<string, unknown>;

const MODULE_FOLDER = join(import.meta.dirname, 'modules-b');

/**
 * The edge with these twin modules. Messages from a device carrying `target=NAME` go to module
 * NAME's input `commands`; every other device message goes up to the cloud.
 */
export async function startTwinScenario(address: string, modules: readonly string[]): Promise<EdgeScenario> {
  const routes: Record<string, string> = { childrenUp: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) AND NOT IS_DEFINED(target) INTO $upstream' };
  for (const name of modules) routes[`commands_${name.replace(/\W/g, '_')}`] = `FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) AND target = '${name}' INTO BrokeredEndpoint("/modules/${name}/inputs/commands")`;
  const manifest = deploymentManifest(Object.fromEntries(modules.map((name) => [name, {}])), routes);
  const commands = Object.fromEntries(modules.map((name) => [name, { command: [process.execPath, 'twin-module.mjs'], cwd: MODULE_FOLDER, env: {} }]));
  return startEdgeScenario({ address, manifest, modules: commands });
}

export interface Child {
  deviceId: string;
  /** Its connection string through the hub: GatewayHostName is the hub's address (with the port when not 8883). */
  connectionString: string;
}

/** Registers a child device of the edge device in the emulator (the hub learns of it at its next scope read). */
export async function addChild(scenario: EdgeScenario, deviceId: string): Promise<Child> {
  const { client, running } = scenario.cloud;
  const parent = await client.getDevice(EDGE);
  const device = await client.createDevice(deviceId, { parent });
  const direct = deviceConnectionString(`${running.info.mqtt.host}:${running.info.mqtt.port}`, deviceId, device.authentication.symmetricKey.primaryKey);
  const { host, port } = scenario.edge.hub.info.mqtt;
  return { deviceId, connectionString: `${direct};GatewayHostName=${port === 8883 ? host : `${host}:${port}`}` };
}

export function openChild(info: HubInfo, child: Child): Promise<Client> {
  return openGatewayDevice(info, child.connectionString);
}

/** The error name the SDK's open() fails with for this child, or 'accepted'. */
export function childRefusal(info: HubInfo, child: Child): Promise<string> {
  return refusalOf(Client.fromConnectionString(child.connectionString, Mqtt), info);
}

/** A command for a twin module, sent by a device: the routes bring it to the module's input. */
export function commandFor(module: string, command: Json): Message {
  const message = new Message(JSON.stringify(command));
  message.properties.add('target', module);
  return message;
}

export function reportOn(twin: Twin, patch: Json): Promise<void> {
  return new Promise((resolve, reject) => twin.properties.reported.update(patch, (error?: Error) => (error ? reject(error) : resolve())));
}

/** One line a twin module printed (see modules-b/twin-module.mjs). */
export interface ModuleEvent {
  event: 'ready' | 'reported' | 'desired' | 'failed';
  at: string;
  id?: string;
  count?: number;
  patch?: Json;
  state?: Json;
  message?: string;
}

/** Every event the module printed so far, in order, across its restarts. */
export function moduleEvents(scenario: EdgeScenario, module: string): ModuleEvent[] {
  return readModuleLog(moduleLogPath(scenario.dataFolder, module))
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ModuleEvent);
}

/** The module's `reported` line for command `id`, once it printed it. */
export function reportedDone(scenario: EdgeScenario, module: string, id: string): ModuleEvent | undefined {
  return moduleEvents(scenario, module).find((event) => event.event === 'reported' && event.id === id);
}

export function desiredEvents(scenario: EdgeScenario, module: string): ModuleEvent[] {
  return moduleEvents(scenario, module).filter((event) => event.event === 'desired');
}

/** A twin section as the emulator holds it, without `$metadata` (kept: `$version`). */
export async function cloudSection(scenario: EdgeScenario, section: 'desired' | 'reported', deviceId: string, moduleId?: string): Promise<Json> {
  const twin = await scenario.cloud.client.getTwin(deviceId, moduleId);
  return withoutMetadata(twin.properties[section]);
}

/** A twin section as the emulator holds it, with `$metadata` (when each member last changed). */
export async function cloudSectionWithMetadata(scenario: EdgeScenario, section: 'desired' | 'reported', deviceId: string, moduleId?: string): Promise<Json> {
  return (await scenario.cloud.client.getTwin(deviceId, moduleId)).properties[section];
}

export function withoutMetadata(value: Json): Json {
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$metadata').map(([key, member]) => [key, isObject(member) ? withoutMetadata(member) : member]));
}

export function withoutVersion(value: Json): Json {
  const { $version: _version, ...rest } = value;
  return rest;
}

/** IoT Hub's twin patch semantics, written here as the test's own oracle: objects merge, null deletes. */
export function mergePatch(target: Json, patch: Json): Json {
  const result: Json = structuredClone(target);
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else if (isObject(value)) result[key] = mergePatch(isObject(result[key]) ? result[key] : {}, value);
    else result[key] = value;
  }
  return result;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
