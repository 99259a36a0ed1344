// What the agent assembly tests share: the emulator (in-process) with one edge device and a
// deployment applied to it, and `startEdge` (the hub, then the agent with the process backend)
// on a loopback address of the test file's own, where the hub can take ports 8883 and 443 as IoT
// Edge's does (the tests run as root). Where those ports cannot be had, the hub listens on ports
// the OS chooses and modules are told `host:port`, which only the Node SDK's MQTT accepts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../../../src/errors.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import type { ModuleCommand } from '../../../../src/runtime/agent/process/modules-file.js';
import { createProcessBackend, type ProcessModuleHandle } from '../../../../src/runtime/agent/process/process-backend.js';
import { startEdge, type EdgeOptions, type RunningEdge } from '../../../../src/runtime/agent/start-edge.js';
import type { TwinDocument } from '../../../../src/runtime/cloud/service-client.js';
import { deviceConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import { startTestCloud, type TestCloud } from '../../cloud/cloud-support.js';
import { tempFolder } from '../../hub/assembly/hub-support.js';

export { removeTempFolders, tempFolder, waitFor, cloudMessages, ROOT } from '../../hub/assembly/hub-support.js';

export const EDGE = 'edge';

export interface ModuleDefinition {
  status?: 'running' | 'stopped';
  restartPolicy?: string;
  startupOrder?: number;
  env?: Record<string, string>;
  image?: string;
}

/** A deployment manifest: edgeAgent, edgeHub, these modules and routes. */
export function deploymentManifest(modules: Record<string, ModuleDefinition>, routes: Record<string, string> = { all: 'FROM /messages/* INTO $upstream' }): Record<string, unknown> {
  const definitions = Object.fromEntries(
    Object.entries(modules).map(([name, module]) => [
      name,
      {
        version: '1.0',
        type: 'docker',
        status: module.status ?? 'running',
        restartPolicy: module.restartPolicy ?? 'always',
        ...(module.startupOrder === undefined ? {} : { startupOrder: module.startupOrder }),
        settings: { image: module.image ?? `example.azurecr.io/${name}:1.0`, createOptions: '{}' },
        ...(module.env === undefined ? {} : { env: Object.fromEntries(Object.entries(module.env).map(([key, value]) => [key, { value }])) }),
      },
    ]),
  );
  return {
    modulesContent: {
      $edgeAgent: {
        'properties.desired': {
          schemaVersion: '1.1',
          runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25', loggingOptions: '', registryCredentials: {} } },
          systemModules: {
            edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5', createOptions: '{}' } },
            edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5', createOptions: '{}' } },
          },
          modules: definitions,
        },
      },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
    },
  };
}

export interface EdgeScenario {
  cloud: TestCloud;
  edge: RunningEdge;
  dataFolder: string;
  agentLog: string[];
  /** Applies a deployment in the emulator, as `edgewise cloud deploy` does. */
  deploy(manifest: Record<string, unknown>): Promise<void>;
  /** The emulator's copy of the $edgeAgent twin's reported properties. */
  reported(): Promise<Record<string, unknown>>;
  /** The pid of a module's current process. */
  pidOf(name: string): number | undefined;
  close(): Promise<void>;
}

export interface EdgeScenarioOptions {
  address: string;
  /** Applied in the emulator; also the edge's starting manifest unless `localManifest` is given. */
  manifest: Record<string, unknown>;
  /** The manifest the hub and the agent start with (default `manifest`). */
  localManifest?: Record<string, unknown>;
  modules: Record<string, ModuleCommand>;
  fromCloud?: boolean;
  agent?: EdgeOptions['agent'];
}

export async function startEdgeScenario(options: EdgeScenarioOptions): Promise<EdgeScenario> {
  const cloud = await startTestCloud();
  const agentLog: string[] = [];
  try {
    const device = await cloud.client.createDevice(EDGE, { edge: true });
    const deploy = async (manifest: Record<string, unknown>): Promise<void> => cloud.client.applyConfigurationContent(EDGE, manifest as { modulesContent: Record<string, unknown> });
    await deploy(options.manifest);
    const hostName = `${cloud.running.info.mqtt.host}:${cloud.running.info.mqtt.port}`;
    const dataFolder = join(tempFolder('edgewise-agent-'), 'hub');
    const edgeOptions: EdgeOptions = {
      hub: {
        dataFolder,
        manifest: await normalizeManifest(options.localManifest ?? options.manifest, { flavour: 'manifest' }),
        connectionString: deviceConnectionString(hostName, EDGE, device.authentication.symmetricKey.primaryKey),
        cloudCa: cloud.ca,
        cloudHttpsPort: cloud.running.info.https.port,
        address: options.address,
        upstreamBackoff: { minMs: 100, maxMs: 1000 },
      },
      createBackend: (folder) => createProcessBackend({ modulesFile: { file: 'modules.yaml', modules: options.modules }, dataFolder: folder, log: (line) => agentLog.push(`backend: ${line}`), closeGraceMs: 3000 }),
      agentLog: (line) => agentLog.push(line),
      fromCloud: options.fromCloud,
      agent: { backoff: { minMs: 300, maxMs: 2000 }, stopGraceMs: 3000, reportDelayMs: 100, ...options.agent },
    };
    const edge = await startEdge(edgeOptions).catch((error: unknown) => {
      if (!(error instanceof InputError) || !['address-in-use', 'address-denied'].includes(error.code)) throw error;
      console.log(`ports 8883/443 on ${options.address} are not available (${error.message}); the hub listens on ports the OS chooses, named as host:port`);
      return startEdge({ ...edgeOptions, hub: { ...edgeOptions.hub, mqttPort: 0, httpsPort: 0 } });
    });
    return {
      cloud,
      edge,
      dataFolder,
      agentLog,
      deploy,
      reported: async () => ((await cloud.client.getTwin(EDGE, '$edgeAgent')) as TwinDocument).properties.reported,
      pidOf: (name) => (edge.agent.handleOf(name) as ProcessModuleHandle | undefined)?.pid,
      close: async () => {
        await edge.close();
        await cloud.close();
      },
    };
  } catch (error) {
    await cloud.close();
    throw error;
  }
}

/** A module that runs a shell script in `cwd` (cheaper than node for modules that only need to live or exit). */
export function shellModule(script: string, cwd: string): ModuleCommand {
  return { command: ['/bin/sh', '-c', script], cwd, env: {} };
}

/** The module's reported runtime fields, as the emulator holds them. */
export function reportedModule(reported: Record<string, unknown>, name: string): Record<string, unknown> | undefined {
  const modules = reported.modules as Record<string, Record<string, unknown>> | undefined;
  return modules?.[name];
}

export function writeJson(folder: string, name: string, value: unknown): string {
  const path = join(folder, name);
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`);
  return path;
}
