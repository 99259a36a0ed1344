// The upstream pump drains the real store (openHubStore, lmdb in a temp folder) through a real
// link to the real emulator: after an outage everything goes up in order per identity, higher
// priorities first, expired messages never; an identity the cloud refuses does not hold up the
// others; and when the emulator goes away mid-drain nothing is lost (at least once: a message may
// arrive twice, but the first arrivals keep each identity's order).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { identityKey, type ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { newCounters, UPSTREAM_ENDPOINT, type HubCounters, type QueueTarget } from '../../../../src/runtime/hub/hub-types.js';
import { UpstreamPump, type UpstreamPumpOptions } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import type { UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import type { CloudMessage } from '../../../../src/runtime/cloud/service-client.js';
import { CHILD, cloudMessages, hubMessage, MODULE, startUpstreamWorld, waitFor, waitForCloudMessages, type UpstreamWorld } from './upstream-support.js';

const GHOST: ClientIdentity = { deviceId: 'ghost-1' };
const DEFAULT_PRIORITY = 2_000_000_000;

function upstream(priority = DEFAULT_PRIORITY, ttlSeconds = -1): QueueTarget[] {
  return [{ endpoint: UPSTREAM_ENDPOINT, priority, ttlSeconds }];
}

describe('upstream pump', () => {
  let world: UpstreamWorld;
  let folder: string;
  let store: HubStore;
  let counters: HubCounters;
  const pumps: UpstreamPump[] = [];

  beforeEach(async () => {
    world = await startUpstreamWorld([GHOST]);
    folder = mkdtempSync(join(tmpdir(), 'edgewise-pump-'));
    store = openHubStore(folder);
    counters = newCounters();
  });

  afterEach(async () => {
    await Promise.all(pumps.splice(0).map((pump) => pump.stop()));
    await world?.close();
    await store?.close();
    rmSync(folder, { recursive: true, force: true });
  });

  function startPump(link: UpstreamLink, options: Partial<UpstreamPumpOptions> = {}): UpstreamPump {
    const pump = new UpstreamPump({ store: store.messages, link, counters, backoff: { minMs: 50, maxMs: 500 }, ...options });
    pumps.push(pump);
    pump.start();
    return pump;
  }

  async function connectedThenCut(): Promise<UpstreamLink> {
    const { link } = world.openLink();
    await waitFor('the link to connect', () => link.state === 'connected');
    link.cut();
    return link;
  }

  function depth(): number {
    return store.messages.status(Date.now()).queues.reduce((sum, queue) => sum + queue.depth, 0);
  }

  it('drains 10,000 messages of two identities after an outage, in store order per identity, and empties the queue', async () => {
    const link = await connectedThenCut();
    startPump(link);
    const perIdentity = 5000;
    const appends: Promise<void>[] = [];
    for (let index = 0; index < perIdentity; index += 1) {
      appends.push(store.messages.append(hubMessage(MODULE, `m-${index}`), upstream()));
      appends.push(store.messages.append(hubMessage(CHILD, `c-${index}`), upstream()));
    }
    await Promise.all(appends);
    expect(depth()).toBe(2 * perIdentity);
    expect(await cloudMessages(world.cloud)).toEqual([]);

    link.restore();
    const messages = await waitForCloudMessages(world.cloud, 2 * perIdentity, 60_000);
    expect(bodiesOf(messages, MODULE)).toEqual(range(perIdentity).map((index) => `m-${index}`));
    expect(bodiesOf(messages, CHILD)).toEqual(range(perIdentity).map((index) => `c-${index}`));
    await waitFor('the queue to empty', () => depth() === 0 && counters.delivered === 2 * perIdentity);
    expect(store.messages.status(Date.now()).messages).toBe(0);
  });

  it('is woken by the store when a message is appended while the link is up', async () => {
    const { link } = world.openLink();
    await waitFor('the link to connect', () => link.state === 'connected');
    // No polling to fall back on: only the store's onAppend can wake it.
    startPump(link, { pollMs: 3_600_000 });
    await new Promise((resolve) => setImmediate(resolve));
    await store.messages.append(hubMessage(CHILD, 'live'), upstream());
    const messages = await waitForCloudMessages(world.cloud, 1);
    expect(messages.map((message) => message.body)).toEqual(['live']);
    await waitFor('the queue to empty', () => depth() === 0 && counters.delivered === 1);
  });

  it('sends higher priorities first', async () => {
    const link = await connectedThenCut();
    startPump(link);
    const appends: Promise<void>[] = [];
    for (let index = 0; index < 40; index += 1) appends.push(store.messages.append(hubMessage(CHILD, `low-${index}`), upstream(5)));
    for (let index = 0; index < 40; index += 1) appends.push(store.messages.append(hubMessage(CHILD, `high-${index}`), upstream(0)));
    await Promise.all(appends);

    link.restore();
    const messages = await waitForCloudMessages(world.cloud, 80);
    expect(messages.map((message) => message.body)).toEqual([...range(40).map((index) => `high-${index}`), ...range(40).map((index) => `low-${index}`)]);
  });

  it('never sends a message whose TTL ran out during the outage', async () => {
    const link = await connectedThenCut();
    startPump(link);
    const appends: Promise<void>[] = [];
    for (let index = 0; index < 20; index += 1) {
      appends.push(store.messages.append(hubMessage(MODULE, `short-${index}`), upstream(DEFAULT_PRIORITY, 1)));
      appends.push(store.messages.append(hubMessage(MODULE, `kept-${index}`), upstream(DEFAULT_PRIORITY, -1)));
    }
    await Promise.all(appends);
    const enqueuedAt = Date.now();
    await waitFor('the short TTL to run out', () => Date.now() - enqueuedAt > 1500);

    link.restore();
    await waitFor('the queue to empty', () => depth() === 0);
    const messages = await waitForCloudMessages(world.cloud, 20);
    expect(messages.map((message) => message.body)).toEqual(range(20).map((index) => `kept-${index}`));
    expect(counters.delivered).toBe(20);
  });

  it('keeps draining other identities while the cloud refuses one, and drains that one once it may connect', async () => {
    const ghostKey = world.keys.get(GHOST.deviceId)!;
    world.keys.set(GHOST.deviceId, Buffer.from('a wrong key').toString('base64'));
    const { link } = world.openLink();
    const appends: Promise<void>[] = [];
    // The refused identity's messages come first in store order, more of them than the pump may hold.
    for (let index = 0; index < 300; index += 1) appends.push(store.messages.append(hubMessage(GHOST, `g-${index}`), upstream()));
    for (let index = 0; index < 100; index += 1) appends.push(store.messages.append(hubMessage(CHILD, `c-${index}`), upstream()));
    await Promise.all(appends);
    startPump(link, { maxHeldEntries: 64, readBatch: 16, windowPerIdentity: 8 });

    const first = await waitForCloudMessages(world.cloud, 100);
    expect(bodiesOf(first, CHILD)).toEqual(range(100).map((index) => `c-${index}`));
    expect(bodiesOf(first, GHOST)).toEqual([]);

    world.keys.set(GHOST.deviceId, ghostKey);
    const all = await waitForCloudMessages(world.cloud, 400);
    expect(bodiesOf(all, GHOST)).toEqual(range(300).map((index) => `g-${index}`));
    await waitFor('the queue to empty', () => depth() === 0);
  });

  it('loses nothing when the emulator goes away mid-drain: every message arrives, first arrivals in order', async () => {
    const link = await connectedThenCut();
    startPump(link);
    const perIdentity = 1500;
    const appends: Promise<void>[] = [];
    for (let index = 0; index < perIdentity; index += 1) {
      appends.push(store.messages.append(hubMessage(MODULE, `m-${index}`), upstream()));
      appends.push(store.messages.append(hubMessage(CHILD, `c-${index}`), upstream()));
    }
    await Promise.all(appends);

    link.restore();
    await waitForCloudMessages(world.cloud, 500, 60_000);
    await world.stopCloud();
    await waitFor('the link to notice', () => link.state !== 'connected');
    await world.startCloudAgain();

    await waitFor('the queue to empty', () => depth() === 0, 60_000);
    const messages = await cloudMessages(world.cloud);
    expect(firstArrivals(bodiesOf(messages, MODULE))).toEqual(range(perIdentity).map((index) => `m-${index}`));
    expect(firstArrivals(bodiesOf(messages, CHILD))).toEqual(range(perIdentity).map((index) => `c-${index}`));
  });

  it('resumes from the store after being stopped and started again', async () => {
    const link = await connectedThenCut();
    const first = startPump(link);
    const appends: Promise<void>[] = [];
    for (let index = 0; index < 300; index += 1) appends.push(store.messages.append(hubMessage(CHILD, `c-${index}`), upstream()));
    await Promise.all(appends);
    link.restore();
    await waitForCloudMessages(world.cloud, 50);
    await first.stop();

    startPump(link);
    await waitFor('the queue to empty', () => depth() === 0);
    const messages = await cloudMessages(world.cloud);
    expect(firstArrivals(bodiesOf(messages, CHILD))).toEqual(range(300).map((index) => `c-${index}`));
  });
});

function bodiesOf(messages: CloudMessage[], identity: ClientIdentity): string[] {
  return messages.filter((message) => identityKey({ deviceId: message.deviceId, ...(message.moduleId === null ? {} : { moduleId: message.moduleId }) }) === identityKey(identity)).map((message) => message.body);
}

/** The bodies without repeats, each where it first arrived. */
function firstArrivals(bodies: string[]): string[] {
  return [...new Set(bodies)];
}

function range(count: number): number[] {
  return Array.from({ length: count }, (_, index) => index);
}
