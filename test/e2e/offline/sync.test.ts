// Issue 14, step 2 (Sync), end to end: the edge device must have connected once. Before any sync
// succeeded a child device (the official SDK's Client through GatewayHostName and the edge CA)
// is refused, and the hub's log says why; on the first sync the hub downloads its scope and
// stores it, so a hub restarted while cut, with the emulator stopped, still authenticates the
// child and the agent's SDK module; and the twins of the connected clients (the child and the
// module, which reads its twin as it starts) are fetched and kept, so getTwin answers from them
// while offline. Addresses: the never-synced scenario uses 127.0.15.2 (ports the OS chooses);
// the synced one the emulator on 127.0.15.3 and the hub on 127.0.15.4.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, Message, type Twin } from 'azure-iot-device';
import { Mqtt } from 'azure-iot-device-mqtt';
import { normalizeManifest } from '../../../src/manifest/normalize-manifest.js';
import { startCloud, type RunningCloud } from '../../../src/runtime/cloud/cloud-server.js';
import { startHub, type RunningHub } from '../../../src/runtime/hub/start-hub.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { startTestCloud } from '../../runtime/cloud/cloud-support.js';
import { cloudMessages, EDGE, offlineManifest, removeTempFolders, startOfflineEdge, tempFolder, waitFor, type OfflineEdge } from './offline-support.js';

const NEVER_SYNCED_ADDRESS = '127.0.15.2';
const CLOUD_ADDRESS = '127.0.15.3';
const HUB_ADDRESS = '127.0.15.4';
const CHILDREN_UP = { childrenUp: 'FROM /messages/* WHERE NOT IS_DEFINED($connectionModuleId) INTO $upstream' };

const logs: { name: string; lines: string[] }[] = [];
const closers: (() => Promise<unknown>)[] = [];

afterEach((context) => {
  if (context.task.result?.state === 'fail') for (const log of logs) console.error(`${log.name}:\n${log.lines.join('\n')}`);
});

afterAll(async () => {
  for (const close of closers.reverse()) await close().catch(() => undefined);
  removeTempFolders();
});

/** Opens the SDK client; its error's name when the hub refuses it. */
async function openOrRefusal(client: Client, ca: string): Promise<string> {
  await client.setOptions({ ca });
  try {
    await client.open();
    return 'accepted';
  } catch (error) {
    await client.close().catch(() => undefined);
    return (error as Error).name;
  }
}

/** The client's twin, following desired changes (the SDK subscribes to them once a listener is set). */
async function twinOf(client: Client): Promise<Twin> {
  const twin = await client.getTwin();
  twin.on('properties.desired', () => undefined);
  return twin;
}

describe('step 2: before the first sync', () => {
  it('refuses a child device with a clear reason until the hub has synced once; after that the child connects and its messages reach the cloud', async () => {
    // The emulator holds the edge device and its child, then stops: the hub starts with no cloud to sync with.
    const cloud = await startTestCloud({ dataFolder: tempFolder('edgewise-e2e-cloud-'), address: NEVER_SYNCED_ADDRESS, mqttPort: 0, httpsPort: 0, name: NEVER_SYNCED_ADDRESS });
    closers.push(() => cloud.close());
    const edgeDevice = await cloud.client.createDevice(EDGE, { edge: true });
    const child = await cloud.client.createDevice('child-new', { parent: edgeDevice });
    const { mqtt, https } = cloud.running.info;
    await cloud.running.close();

    const hostName = `${mqtt.host}:${mqtt.port}`;
    const hubLog: string[] = [];
    logs.push({ name: "the never-synced hub's log", lines: hubLog });
    const hubOptions = {
      dataFolder: tempFolder('edgewise-e2e-hub-'),
      manifest: await normalizeManifest(offlineManifest({}, CHILDREN_UP), { flavour: 'manifest' }),
      connectionString: deviceConnectionString(hostName, EDGE, edgeDevice.authentication.symmetricKey.primaryKey),
      cloudCa: cloud.ca,
      cloudHttpsPort: https.port,
      address: NEVER_SYNCED_ADDRESS,
      mqttPort: 0,
      httpsPort: 0,
      upstreamBackoff: { minMs: 100, maxMs: 1000 },
      log: (line: string) => hubLog.push(line),
    };
    const unsynced: RunningHub = await startHub(hubOptions);
    closers.push(() => unsynced.close());
    const childConnectionString = (hub: RunningHub): string =>
      `${deviceConnectionString(hostName, 'child-new', child.authentication.symmetricKey.primaryKey)};GatewayHostName=${hub.info.gatewayHostName}:${hub.info.mqtt.port}`;

    const refused = await openOrRefusal(Client.fromConnectionString(childConnectionString(unsynced), Mqtt), unsynced.edgeCa());
    expect(refused).toBe('UnauthorizedError');
    // MQTT 3.1.1 carries no reason, so the hub's log gives it, naming the client and what to do.
    expect(hubLog).toContain('refused child-new: this edge hub has not synced its device scope with the cloud yet; connect it to the cloud once');
    await unsynced.close();

    // The cloud is back (same folder, same ports); the hub, started again, syncs on its first connection.
    let running: RunningCloud | undefined = await startCloud({ dataFolder: cloud.folder, address: NEVER_SYNCED_ADDRESS, mqttPort: mqtt.port, httpsPort: https.port, name: NEVER_SYNCED_ADDRESS });
    closers.push(() => running?.close() ?? Promise.resolve());
    const synced = await startHub(hubOptions);
    closers.push(() => synced.close());
    await waitFor('the hub to connect to the cloud', () => synced.upstreamState === 'connected');
    const device = await waitFor('the child to be accepted once the hub synced', async () => {
      const client = Client.fromConnectionString(childConnectionString(synced), Mqtt);
      return (await openOrRefusal(client, synced.edgeCa())) === 'accepted' ? client : undefined;
    });
    closers.push(() => device.close());
    const message = new Message('after the first sync');
    message.properties.add('step', 'sync');
    await device.sendEvent(message);
    await waitFor("the child's message in the cloud", async () => (await cloudMessages(cloud)).some((arrived) => arrived.deviceId === 'child-new' && arrived.properties.step === 'sync'));
    await device.close();
    await synced.close();
    await running.close();
    running = undefined;
  }, 50_000);
});

describe('step 2: after the first sync', () => {
  let scenario: OfflineEdge;

  beforeAll(async () => {
    scenario = await startOfflineEdge({
      cloudAddress: CLOUD_ADDRESS,
      hubAddress: HUB_ADDRESS,
      modules: { responder: { desired: { greeting: 'hello' } } },
      routes: CHILDREN_UP,
      children: ['child-1'],
    });
    logs.push({ name: "the synced hub's log", lines: scenario.hubLog }, { name: "the agent's log", lines: scenario.agentLog });
    closers.push(() => scenario.close());
  });

  it("fetches the twins of connected clients and keeps them: what the cloud holds, and the desired changes made while connected", async () => {
    await scenario.cloud.client.updateDesired('child-1', undefined, { mode: 'eco' });
    const child = await scenario.openChild('child-1');
    const twin = await twinOf(child);
    expect(twin.properties.desired).toMatchObject({ mode: 'eco' });
    await waitFor('the module to read its twin as it starts', () => scenario.moduleLog('responder').includes('edge/responder: desired {"greeting":"hello"'));

    // Changes made in the cloud while connected reach the clients, and the hub's copies follow them.
    await scenario.cloud.client.updateDesired('child-1', undefined, { mode: 'boost' });
    await scenario.cloud.client.updateDesired(EDGE, 'responder', { greeting: 'hi' });
    await waitFor("the child's desired change", () => (twin.properties.desired as Record<string, unknown>).mode === 'boost');
    await waitFor("the module's desired change", () => scenario.moduleLog('responder').includes('edge/responder: desired patch {"greeting":"hi"'));

    await scenario.edge.hub.cut();
    // Cut, the hub answers from what it stored.
    expect((await scenario.edge.hub.twins.get({ deviceId: 'child-1' })).desired).toMatchObject({ mode: 'boost' });
    expect((await scenario.edge.hub.twins.get({ deviceId: EDGE, moduleId: 'responder' })).desired).toMatchObject({ greeting: 'hi' });
  });

  it('restarted while cut, with the emulator stopped, authenticates the child and the module from the stored scope and answers their twins from the stored copies', async () => {
    // Nothing can come from the cloud now: not the scope, not a twin.
    await scenario.cloud.running.close();
    const runsBefore = scenario.moduleLog('responder').split('edge/responder: connected').length - 1;
    await scenario.restartEdge();
    expect(scenario.edge.hub.upstreamState).toBe('cut');

    const child = await scenario.openChild('child-1');
    expect((await twinOf(child)).properties.desired).toMatchObject({ mode: 'boost' });
    const depth = scenario.upstreamDepth();
    await child.sendEvent(new Message('stored while cut'));
    expect(scenario.upstreamDepth()).toBe(depth + 1);

    // The agent started the module again; it signed in with a token the hub checked from its cache, and read its twin.
    await waitFor('the module to start again and read its twin', () => {
      const runs = scenario.moduleLog('responder').split('edge/responder: connected').length - 1;
      return runs > runsBefore && /edge\/responder: desired \{[^\n]*"greeting":"hi"[^\n]*\n(?![\s\S]*edge\/responder: connected)/.test(scenario.moduleLog('responder'));
    });
    expect(scenario.connectedClients()).toEqual(expect.arrayContaining(['child-1', 'edge/responder']));
    expect(scenario.hubLog.filter((line) => /refused (child-1|edge\/responder)/.test(line))).toEqual([]);
  }, 45_000);
});
