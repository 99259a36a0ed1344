// The edge hub assembled (startHub in-process) against the emulator (`edgewise cloud`, in-process),
// driven by the official azure-iot-device SDK over TLS: hub.json and DIR/edge-ca.pem, a child
// device and modules connecting through GatewayHostName, telemetry up to the emulator, a
// module-to-module route to an input handler, the refusals (wrong key, expired token, foreign
// topic, a child of another edge device), status and cut/restore over the admin channel.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Message, ModuleClient } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { askHub } from '../../../../src/runtime/hub/admin-client.js';
import type { HubStatus } from '../../../../src/runtime/hub/hub-status.js';
import { startHub, type RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { deviceConnectionString } from '../../../../src/runtime/iothub/connection-strings.js';
import {
  cloudMessages,
  EDGE,
  hubManifest,
  numbered,
  openGatewayDevice,
  openGatewayModule,
  rawConnect,
  refusalOf,
  removeTempFolders,
  startScenario,
  STANDARD_ROUTES,
  tempFolder,
  waitFor,
  type Scenario,
} from './hub-support.js';

let scenario: Scenario;
let hub: RunningHub;
let dataFolder: string;
const clients: (Client | ModuleClient)[] = [];
/** The hub's log, printed when a test fails. */
const hubLog: string[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  dataFolder = tempFolder();
  hub = await startHub({
    dataFolder,
    manifest: await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }),
    connectionString: scenario.edgeConnectionString,
    cloudCa: scenario.cloud.ca,
    cloudHttpsPort: scenario.cloud.running.info.https.port,
    mqttPort: 0,
    httpsPort: 0,
    upstreamBackoff: { minMs: 100, maxMs: 1000 },
    log: (line) => hubLog.push(line),
  });
  // Children authenticate from the cache: wait for the first scope sync with the cloud.
  await waitFor('the upstream to connect', () => hub.upstreamState === 'connected');
});

afterEach((context) => {
  if (context.task.result?.state === 'fail') console.error(`the hub's log:\n${hubLog.join('\n')}`);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

async function status(): Promise<HubStatus> {
  return (await askHub(dataFolder, { command: 'status' })) as HubStatus;
}

async function child(deviceId: string): Promise<Client> {
  const client = await waitFor(`${deviceId} to connect through the hub`, async () => {
    try {
      return await openGatewayDevice(hub.info, scenario.connectionString(deviceId, undefined, hub.info));
    } catch {
      return undefined; // the scope sync may not have reached the cache yet
    }
  });
  clients.push(client);
  return client;
}

const modules = new Map<string, ModuleClient>();

/** One connection per module for the whole file: a second one would drop the first. */
async function edgeModule(moduleId: string): Promise<ModuleClient> {
  const open = modules.get(moduleId);
  if (open) return open;
  const client = await waitFor(`${EDGE}/${moduleId} to connect through the hub`, async () => {
    try {
      return await openGatewayModule(hub.info, scenario.connectionString(EDGE, moduleId, hub.info));
    } catch {
      return undefined;
    }
  });
  clients.push(client);
  modules.set(moduleId, client);
  return client;
}

describe('startHub', () => {
  it('writes DIR/hub.json and DIR/edge-ca.pem, and answers status over the admin channel', async () => {
    const info = JSON.parse(readFileSync(join(dataFolder, 'hub.json'), 'utf8'));
    expect(info).toEqual(hub.info);
    expect(info).toEqual({
      mqtt: { host: '127.0.0.1', port: expect.any(Number) },
      https: { host: '127.0.0.1', port: expect.any(Number) },
      ca: join(dataFolder, 'edge-ca.pem'),
      pid: process.pid,
      edgeDeviceId: EDGE,
      gatewayHostName: '127.0.0.1',
    });
    expect(info.mqtt.port).toBeGreaterThan(0);
    expect(info.https.port).toBeGreaterThan(0);
    expect(readFileSync(info.ca, 'utf8')).toContain('-----BEGIN CERTIFICATE-----');
    expect(statSync(join(dataFolder, 'hub.sock')).mode & 0o777).toBe(0o600);
    const current = await status();
    expect(current).toMatchObject({ upstream: 'connected', clients: expect.any(Array), queues: expect.any(Array), store: { messages: expect.any(Number), bytes: expect.any(Number) } });
    expect(Object.keys(current.counters).sort()).toEqual(['delivered', 'expired', 'received', 'refused', 'stored']);
  });

  it('takes a child device through GatewayHostName and the edge CA, and its telemetry reaches the emulator', async () => {
    const device = await child('child-a');
    await device.sendEvent(numbered('child-a', 1, { step: 'online' }));
    const arrived = await waitFor('the message at the emulator', async () => (await cloudMessages(scenario.cloud)).find((message) => message.deviceId === 'child-a' && message.properties.step === 'online'));
    expect(arrived).toMatchObject({ deviceId: 'child-a', moduleId: null, body: JSON.stringify({ sender: 'child-a', index: 1 }), properties: { index: '1', step: 'online' } });
    expect((await status()).clients.map((client) => client.clientId)).toContain('child-a');
  });

  it("routes a module's output to another module's input handler, and that module's output up to the emulator", async () => {
    const sink = await edgeModule('sink');
    const received: { input: string; body: string; properties: Record<string, string> }[] = [];
    sink.on('inputMessage', (input: string, message: Message) => {
      received.push({ input, body: message.getData().toString(), properties: Object.fromEntries(message.properties.propertyList.map(({ key, value }) => [key, value])) });
      void sink.complete(message, () => undefined);
      void sink.sendOutputEvent('up', new Message(`seen ${message.getData().toString()}`));
    });
    const filter = await edgeModule('filter');
    const message = new Message('{"temperature":21}');
    message.properties.add('unit', 'celsius');
    await filter.sendOutputEvent('out', message);
    await waitFor('the input handler to run', () => received.length > 0);
    // As edgeHub does, the input names its sender ($.cdid, $.cmid), which the Node SDK lists among the properties.
    expect(received).toEqual([{ input: 'in', body: '{"temperature":21}', properties: { unit: 'celsius', '$.cdid': EDGE, '$.cmid': 'filter' } }]);
    const forwarded = await waitFor("sink's output at the emulator", async () => (await cloudMessages(scenario.cloud)).find((entry) => entry.moduleId === 'sink'));
    expect(forwarded).toMatchObject({ deviceId: EDGE, moduleId: 'sink', body: 'seen {"temperature":21}' });
    // The filter's output went only where the route said: not upstream.
    expect((await cloudMessages(scenario.cloud)).some((entry) => entry.moduleId === 'filter')).toBe(false);
  });

  it('refuses a wrong key, an expired token and a child of another edge device, and keeps serving', async () => {
    await child('child-b'); // the cache knows the scope
    const wrongKey = deviceConnectionString(scenario.hostName, 'child-b', Buffer.alloc(32, 7).toString('base64'));
    expect(await refusalOf(Client.fromConnectionString(`${wrongKey};GatewayHostName=127.0.0.1:${hub.info.mqtt.port}`, Mqtt), hub.info)).toBe('UnauthorizedError');
    const expired = scenario.token('child-b', undefined, Math.floor(Date.now() / 1000) - 60);
    await expect(rawConnect(hub.info, 'child-b', `${scenario.hostName}/child-b/?api-version=2021-04-12`, expired)).rejects.toThrow(/Not authorized|not authorized/i);
    // `stranger` has a valid key, but its parent is another edge device.
    expect(await refusalOf(Client.fromConnectionString(scenario.connectionString('stranger', undefined, hub.info), Mqtt), hub.info)).toBe('UnauthorizedError');
    const device = await child('child-b');
    await device.sendEvent(numbered('child-b', 1, { step: 'after-refusals' }));
    await waitFor('child-b still served', async () => (await cloudMessages(scenario.cloud)).some((message) => message.properties.step === 'after-refusals'));
  });

  it("closes a connection that publishes on another identity's topic, without acknowledging it", async () => {
    const token = scenario.token('child-a', undefined, Math.floor(Date.now() / 1000) + 600);
    const raw = await rawConnect(hub.info, 'child-a', `${scenario.hostName}/child-a/?api-version=2021-04-12`, token);
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    const published = raw.publishAsync('devices/child-b/messages/events/', 'spoofed', { qos: 1 });
    published.catch(() => undefined);
    await closed;
    raw.end(true);
    const received = (await status()).counters.received;
    expect((await cloudMessages(scenario.cloud)).some((message) => message.body === 'spoofed')).toBe(false);
    expect((await status()).counters.received).toBe(received);
  });

  it('queues while cut over the admin channel, and delivers on restore', async () => {
    const device = await child('child-a');
    expect(await askHub(dataFolder, { command: 'upstream', action: 'cut' })).toEqual({ upstream: 'cut' });
    expect((await status()).upstream).toBe('cut');
    for (let index = 0; index < 5; index++) await device.sendEvent(numbered('child-a', index, { step: 'outage' }));
    const cut = await status();
    expect(cut.queues).toContainEqual({ endpoint: '$upstream', priority: expect.any(Number), depth: 5, oldestAgeSeconds: expect.any(Number) });
    expect((await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'outage')).toEqual([]);
    await askHub(dataFolder, { command: 'upstream', action: 'restore' });
    const delivered = await waitFor('the queued messages at the emulator', async () => {
      const outage = (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'outage');
      return outage.length === 5 ? outage : undefined;
    });
    expect(delivered.map((message) => message.properties.index)).toEqual(['0', '1', '2', '3', '4']);
    await waitFor('the upstream queue to empty', async () => (await status()).queues.every((queue) => queue.depth === 0));
  });

  it('applies a new $edgeHub deployment from the cloud without a restart, and reports it', async () => {
    const filter = await edgeModule('filter');
    const next = hubManifest({ filterUp: { route: 'FROM /messages/modules/filter/outputs/* INTO $upstream', priority: 1 } }) as { modulesContent: Record<string, unknown> };
    await scenario.cloud.client.applyConfigurationContent(EDGE, { modulesContent: next.modulesContent });
    const desiredVersion = (await scenario.cloud.client.getTwin(EDGE, '$edgeHub')).properties.desired.$version;
    await waitFor('the hub to report the deployment applied', async () => {
      const reported = (await scenario.cloud.client.getTwin(EDGE, '$edgeHub')).properties.reported as { lastDesiredVersion?: number; lastDesiredStatus?: { code?: number } };
      return reported.lastDesiredVersion === desiredVersion && reported.lastDesiredStatus?.code === 200;
    });
    await filter.sendOutputEvent('out', new Message('after the deployment'));
    const arrived = await waitFor("filter's output at the emulator", async () => (await cloudMessages(scenario.cloud)).find((message) => message.body === 'after the deployment'));
    expect(arrived).toMatchObject({ deviceId: EDGE, moduleId: 'filter' });
  });

  it('refuses a second hub on the same data folder, saying which process holds it', async () => {
    await expect(
      startHub({
        dataFolder,
        manifest: await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }),
        connectionString: scenario.edgeConnectionString,
        mqttPort: 0,
        httpsPort: 0,
      }),
    ).rejects.toThrow(`another edgewise process (${process.pid}) uses ${dataFolder}: an edge hub already runs there, or an emulator; stop it first, or give this hub another --data folder`);
    // The running hub is untouched.
    expect((await status()).upstream).toBe('connected');
  });

  it('removes hub.json and the admin socket on close', async () => {
    const folder = tempFolder();
    const second = await startHub({
      dataFolder: folder,
      manifest: await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }),
      connectionString: scenario.edgeConnectionString,
      cloudCa: scenario.cloud.ca,
      cloudHttpsPort: scenario.cloud.running.info.https.port,
      mqttPort: 0,
      httpsPort: 0,
    });
    expect(existsSync(join(folder, 'hub.json'))).toBe(true);
    await second.close();
    expect(existsSync(join(folder, 'hub.json'))).toBe(false);
    expect(existsSync(join(folder, 'hub.sock'))).toBe(false);
    await expect(askHub(folder, { command: 'status' })).rejects.toThrow(/no edge hub runs on/);
  });
});
