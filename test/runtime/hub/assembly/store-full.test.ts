// A store that cannot take more (here a small limit on stored bytes stands in for a full disk):
// the hub refuses the publish (no PUBACK; it closes the connection so the client sends it again),
// counts and logs the refusal, keeps everything already stored, and takes messages again once
// delivering the queue has freed space. The store runs with --sync (commits flushed to disk).
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningHub } from '../../../../src/runtime/hub/start-hub.js';
import { cloudMessages, rawConnect, removeTempFolders, startScenario, startScenarioHub, waitFor, type Scenario } from './hub-support.js';

const BODY = 'x'.repeat(1000);

let scenario: Scenario;
let hub: RunningHub;
const hubLog: string[] = [];

beforeAll(async () => {
  scenario = await startScenario();
  hub = await startScenarioHub(scenario, {
    maxStoredBytes: 10_000,
    // With --sync every commit is flushed before its PUBACK: the same refusals, the same recovery.
    sync: true,
    log: (line) => hubLog.push(line),
  });
});

afterAll(async () => {
  await hub?.close();
  await scenario?.close();
  removeTempFolders();
});

async function childA(): Promise<MqttClient> {
  const token = scenario.token('child-a', undefined, Math.floor(Date.now() / 1000) + 600);
  return waitFor('child-a to connect', () => rawConnect(hub.info, 'child-a', `${scenario.hostName}/child-a/?api-version=2021-04-12`, token).catch(() => undefined));
}

describe('a full store', () => {
  it('refuses publishes without PUBACK, keeps what it has, and takes messages again once space is freed', async () => {
    await hub.cut();
    const client = await childA();
    let accepted = 0;
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    // QoS 1, one at a time: each PUBACK means stored; the first refusal closes the connection instead.
    const sending = (async () => {
      for (let index = 0; index < 50; index++) {
        await client.publishAsync(`devices/child-a/messages/events/index=${index}&step=full`, BODY, { qos: 1 });
        accepted++;
      }
    })();
    sending.catch(() => undefined);
    await closed;
    client.end(true);
    expect(accepted).toBeGreaterThan(0);
    expect(accepted).toBeLessThan(50);
    const full = hub.status();
    expect(full.counters.refused).toBeGreaterThanOrEqual(1);
    expect(full.counters.stored).toBe(accepted);
    expect(full.queues.find((queue) => queue.endpoint === '$upstream')?.depth).toBe(accepted);
    expect(hubLog.some((line) => /^refused a message from child-a \(not acknowledged; the client sends it again\): .*store full/.test(line))).toBe(true);

    // Delivering the queue frees the space: everything accepted arrives, and the store takes messages again.
    await hub.restore();
    await waitFor('the accepted messages at the emulator', async () => (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'full').length >= accepted);
    await waitFor('the queue to empty', () => hub.status().queues.every((queue) => queue.depth === 0));
    const again = await childA();
    await again.publishAsync('devices/child-a/messages/events/step=after', 'room again', { qos: 1 });
    await again.endAsync();
    await waitFor('the message sent after the space came back', async () => (await cloudMessages(scenario.cloud)).some((message) => message.properties.step === 'after'));
    const arrived = (await cloudMessages(scenario.cloud)).filter((message) => message.properties.step === 'full').map((message) => Number(message.properties.index));
    expect(arrived.slice(0, accepted)).toEqual(Array.from({ length: accepted }, (_, index) => index));
  }, 55_000);
});
