// The proof for the workload API: an unmodified `ModuleClient.fromEnvironment(Mqtt)`
// module (test/fixtures/agent/telemetry-module.mjs, a child process with only PATH and the
// IOTEDGE_* environment) reads the trust bundle and has its SAS tokens signed through its
// workload socket, connects to a real hub, and its telemetry reaches the emulator; with the
// upstream cut it keeps working and its messages arrive in order after restore. A module handed
// another module's socket cannot connect as that module.
//
// The hub listens where IoT Edge's does, ports 8883 and 443 of IOTEDGE_GATEWAYHOSTNAME (a
// loopback address of its own, as root); where those ports cannot be had, on ports the OS
// chooses, with `host:port` as the gateway (which only the Node SDK's MQTT accepts).
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors.js';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { moduleEnvironment, workloadUriFor } from '../../../../src/runtime/agent/workload/module-env.js';
import { startWorkloadServer, type WorkloadServer } from '../../../../src/runtime/agent/workload/workload-server.js';
import { startHub, type HubOptions, type RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { identityKey } from '../../../../src/runtime/iothub/client-identity.js';
import type { CloudMessage } from '../../../../src/runtime/cloud/service-client.js';
import { cloudMessages, EDGE, edgeCa, hubManifest, openGatewayModule, removeTempFolders, ROOT, startScenario, tempFolder, waitFor, type Scenario } from '../../hub/assembly/hub-support.js';

const MODULE_SCRIPT = join(ROOT, 'test', 'fixtures', 'agent', 'telemetry-module.mjs');
const ADDRESS = '127.0.13.1';

let scenario: Scenario;
let hub: RunningHub;
let workload: WorkloadServer;
let gatewayHostName: string;
const generations = new Map<string, string>();
const hubLog: string[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  for (const module of await scenario.cloud.client.listModules(EDGE)) generations.set(`${EDGE}/${module.moduleId}`, module.generationId);
  const options: HubOptions = {
    dataFolder: tempFolder('edgewise-wl-hub-'),
    manifest: await normalizeManifest(hubManifest({ filterUp: 'FROM /messages/modules/filter/outputs/* INTO $upstream' }), { flavour: 'manifest' }),
    connectionString: scenario.edgeConnectionString,
    cloudCa: scenario.cloud.ca,
    cloudHttpsPort: scenario.cloud.running.info.https.port,
    address: ADDRESS,
    upstreamBackoff: { minMs: 100, maxMs: 1000 },
    log: (line) => hubLog.push(line),
  };
  hub = await startHub(options).catch((error: unknown) => {
    if (!(error instanceof InputError) || !['address-in-use', 'address-denied'].includes(error.code)) throw error;
    console.log(`ports 8883/443 on ${ADDRESS} are not available (${error.message}); the hub listens on ports the OS chooses, named as host:port`);
    return startHub({ ...options, dataFolder: tempFolder('edgewise-wl-hub-'), mqttPort: 0, httpsPort: 0 });
  });
  gatewayHostName = hub.info.mqtt.port === 8883 ? ADDRESS : `${ADDRESS}:${hub.info.mqtt.port}`;
  await waitFor('the upstream to connect', () => hub.upstreamState === 'connected');
  // The hub authenticates modules from its identity cache: wait for the first scope sync to bring `filter`.
  const probe = await waitFor('the hub to know edge/filter', () => openGatewayModule(hub.info, scenario.connectionString(EDGE, 'filter', hub.info)).catch(() => undefined));
  await probe.close();
  // What the agent will give it from RunningHub: the identity cache's keys and generations, and the edge CA.
  workload = await startWorkloadServer({
    folder: join(tempFolder('edgewise-wl-'), 'workload'),
    edgeDeviceId: EDGE,
    keyOf: (identity) => scenario.keys.get(identityKey(identity)),
    generationOf: (identity) => generations.get(identityKey(identity)),
    trustBundle: () => edgeCa(hub.info),
  });
});

afterAll(async () => {
  await workload?.close();
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

interface ModuleRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the fixture module as the agent would start it: PATH and the IOTEDGE_* environment, nothing else of this process's. */
function runModule(moduleId: string, run: string, count: number, socketPath: string): Promise<ModuleRun> {
  const env = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    ...moduleEnvironment({ edgeDeviceId: EDGE, moduleId, iotHubHostName: scenario.hostName, gatewayHostName, generationId: generations.get(`${EDGE}/${moduleId}`)!, workloadUri: workloadUriFor(socketPath) }),
    TELEMETRY_RUN: run,
    TELEMETRY_COUNT: String(count),
  };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MODULE_SCRIPT], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // A generous bound so that a module that hangs fails the test instead of the whole file.
    const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function messagesOf(run: string): Promise<CloudMessage[]> {
  return (await cloudMessages(scenario.cloud)).filter((message) => message.properties.run === run);
}

describe('an unmodified ModuleClient.fromEnvironment(Mqtt) module', () => {
  it('connects through the hub with tokens the workload API signed, and its telemetry reaches the emulator', async () => {
    const socket = await workload.open('filter');
    const result = await runModule('filter', 'online', 5, socket.socketPath);
    expect(result.stderr).toBe('');
    expect(result).toMatchObject({ code: 0, stdout: '{"sent":5}\n' });
    const arrived = await waitFor('5 messages from edge/filter in the emulator', async () => {
      const messages = await messagesOf('online');
      return messages.length >= 5 ? messages : undefined;
    });
    expect(arrived.map((message) => [message.deviceId, message.moduleId, message.properties.index])).toEqual([0, 1, 2, 3, 4].map((index) => [EDGE, 'filter', String(index)]));
    expect(JSON.parse(arrived[0]!.body)).toEqual({ module: 'filter', run: 'online', index: 0 });
  });

  it('keeps working with the upstream cut, and its messages arrive in order after restore', async () => {
    const socket = await workload.open('filter');
    await hub.cut();
    try {
      const result = await runModule('filter', 'outage', 20, socket.socketPath);
      expect(result.stderr).toBe('');
      expect(result).toMatchObject({ code: 0, stdout: '{"sent":20}\n' });
      // Held by the hub (the queue may still count a few earlier messages whose delivery it has not checkpointed yet).
      expect(hub.status().queues.find((queue) => queue.endpoint === '$upstream')?.depth).toBeGreaterThanOrEqual(20);
      expect(await messagesOf('outage')).toEqual([]);
    } finally {
      await hub.restore();
    }
    const arrived = await waitFor('20 messages from edge/filter after restore', async () => {
      const messages = await messagesOf('outage');
      return messages.length >= 20 ? messages : undefined;
    });
    expect(arrived.map((message) => message.properties.index)).toEqual(Array.from({ length: 20 }, (_, index) => String(index)));
  });

  it('cannot connect as another module through a socket that is not its own', async () => {
    const filterSocket = await workload.open('filter');
    const result = await runModule('sink', 'impostor', 1, filterSocket.socketPath);
    expect(result.code).toBe(1);
    // The SDK reports the workload API's 403 as its TooManyDevicesError, with the body as the message.
    expect(result.stderr).toMatch(/^telemetry-module: TooManyDevicesError: .*module not authorized to access endpoint: this socket belongs to module filter/);
    expect(await messagesOf('impostor')).toEqual([]);
  });
});
