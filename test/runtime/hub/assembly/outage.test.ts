// The outage proof: with the upstream cut, two child devices (the official SDK through
// GatewayHostName) send 10,000 messages between them, each acknowledged only once stored; on
// restore all 10,000 reach the emulator, in order per identity.
import type { Client } from 'azure-iot-device';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { cloudMessages, numbered, openGatewayDevice, removeTempFolders, startScenario, startScenarioHub, waitFor, type Scenario } from './hub-support.js';

const PER_IDENTITY = 5_000;
const SENDERS = ['child-a', 'child-b'];

let scenario: Scenario;
let hub: RunningHub;
const clients: Client[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  hub = await startScenarioHub(scenario);
  for (const deviceId of SENDERS) {
    clients.push(
      await waitFor(`${deviceId} to connect`, async () => {
        try {
          return await openGatewayDevice(hub.info, scenario.connectionString(deviceId, undefined, hub.info));
        } catch {
          return undefined; // the first scope sync may still be on its way
        }
      }),
    );
  }
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

describe('an outage', () => {
  it('keeps 10,000 messages from two identities, and delivers all of them in order per identity on restore', async () => {
    await hub.cut();
    // Each client pipelines its sends; every promise resolves on the hub's PUBACK, after the commit.
    await Promise.all(clients.map((client, which) => Promise.all(Array.from({ length: PER_IDENTITY }, (_, index) => client.sendEvent(numbered(SENDERS[which]!, index, { step: 'outage' }))))));
    const stored = hub.status();
    expect(stored.upstream).toBe('cut');
    expect(stored.counters).toMatchObject({ received: 2 * PER_IDENTITY, stored: 2 * PER_IDENTITY, refused: 0 });
    expect(stored.queues.filter((queue) => queue.endpoint === '$upstream').reduce((sum, queue) => sum + queue.depth, 0)).toBe(2 * PER_IDENTITY);
    expect((await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'outage')).toEqual([]);

    await hub.restore();
    const arrived = await waitFor(
      'all 10,000 messages at the emulator',
      async () => {
        const outage = (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'outage');
        return outage.length >= 2 * PER_IDENTITY ? outage : undefined;
      },
      45_000,
    );
    for (const deviceId of SENDERS) {
      const indexes = arrived.filter((message) => message.deviceId === deviceId).map((message) => Number(message.properties.index));
      // At least once: a resend after a lost PUBACK may repeat a message, never reorder nor skip one.
      const firstSeen = indexes.filter((index, position) => indexes.indexOf(index) === position);
      expect(firstSeen).toEqual(Array.from({ length: PER_IDENTITY }, (_, index) => index));
    }
    await waitFor('the upstream queue to empty', () => hub.status().queues.every((queue) => queue.depth === 0));
    expect(hub.status().counters.delivered).toBeGreaterThanOrEqual(2 * PER_IDENTITY);
  }, 55_000);
});
