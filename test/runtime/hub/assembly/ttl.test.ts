// The TTL proof: a 5 s time to live (the global storeAndForwardConfiguration value) and a
// 10 s outage. Messages under the 5 s TTL are never delivered; those of a route with its own
// longer TTL (hub 1.1+) are. Once with the expiry checked on read (the cleanup has not run) and
// once by the periodic cleanup, which also shows in `hub status` (depth, expired counter).
import type { Client } from 'azure-iot-device';
import { afterEach, describe, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { startHub, type RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { cloudMessages, hubManifest, numbered, openGatewayDevice, removeTempFolders, startScenario, tempFolder, waitFor, type Scenario } from './hub-support.js';

const TTL_ROUTES = {
  short: "FROM /messages/* WHERE kind = 'short' INTO $upstream",
  long: { route: "FROM /messages/* WHERE kind = 'long' INTO $upstream", timeToLiveSecs: 3600 },
};
const EACH = 20;

const closers: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  removeTempFolders();
});

async function setUp(cleanupIntervalMs: number): Promise<{ scenario: Scenario; hub: RunningHub; device: Client }> {
  const scenario = await startScenario();
  closers.push(() => scenario.close());
  const hub = await startHub({
    dataFolder: tempFolder(),
    manifest: await normalizeManifest(hubManifest(TTL_ROUTES, { timeToLiveSecs: 5 }), { flavour: 'manifest' }),
    connectionString: scenario.edgeConnectionString,
    cloudCa: scenario.cloud.ca,
    cloudHttpsPort: scenario.cloud.running.info.https.port,
    mqttPort: 0,
    httpsPort: 0,
    upstreamBackoff: { minMs: 100, maxMs: 1000 },
    cleanupIntervalMs,
  });
  closers.push(() => hub.close());
  await waitFor('the upstream to connect', () => hub.upstreamState === 'connected');
  const device = await waitFor('child-a to connect', async () => {
    try {
      return await openGatewayDevice(hub.info, scenario.connectionString('child-a', undefined, hub.info));
    } catch {
      return undefined;
    }
  });
  closers.push(() => device.close().then(() => undefined));
  return { scenario, hub, device };
}

async function sendBoth(device: Client): Promise<void> {
  for (let index = 0; index < EACH; index++) {
    await device.sendEvent(numbered('child-a', index, { kind: 'short' }));
    await device.sendEvent(numbered('child-a', index, { kind: 'long' }));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('time to live during an outage', () => {
  it('never delivers what expired during a 10 s outage (checked on read), and delivers the rest', async () => {
    const { scenario, hub, device } = await setUp(3_600_000);
    await hub.cut();
    await sendBoth(device);
    expect(hub.status().queues.find((queue) => queue.endpoint === '$upstream')?.depth).toBe(2 * EACH);
    await sleep(10_000); // the outage itself
    await hub.restore();
    const long = await waitFor('the long-lived messages at the emulator', async () => {
      const arrived = (await cloudMessages(scenario.cloud)).filter((message) => message.properties.kind === 'long');
      return arrived.length >= EACH ? arrived : undefined;
    });
    expect(long.map((message) => Number(message.properties.index))).toEqual(Array.from({ length: EACH }, (_, index) => index));
    await waitFor('the upstream queue to empty', () => hub.status().queues.every((queue) => queue.depth === 0));
    expect((await cloudMessages(scenario.cloud)).filter((message) => message.properties.kind === 'short')).toEqual([]);
    expect(hub.status().counters).toMatchObject({ stored: 2 * EACH, expired: EACH });
  }, 55_000);

  it('lets the periodic cleanup remove expired messages while cut, as hub status shows', async () => {
    const { scenario, hub, device } = await setUp(500);
    await hub.cut();
    await sendBoth(device);
    const cleaned = await waitFor('the cleanup to remove the expired messages', () => {
      const status = hub.status();
      return status.counters.expired === EACH ? status : undefined;
    });
    expect(cleaned.queues.find((queue) => queue.endpoint === '$upstream')?.depth).toBe(EACH);
    expect(cleaned.store.messages).toBe(EACH);
    await hub.restore();
    await waitFor('the long-lived messages at the emulator', async () => (await cloudMessages(scenario.cloud)).filter((message) => message.properties.kind === 'long').length >= EACH);
    expect((await cloudMessages(scenario.cloud)).filter((message) => message.properties.kind === 'short')).toEqual([]);
  }, 55_000);
});
