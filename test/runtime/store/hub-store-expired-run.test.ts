// A long run of expired entries at the head of a queue (review finding: 1,000,000 expired entries
// made one read walk them all, hold them all in memory and remove them in one write, which stalled
// the next append for seconds). A read skips at most `expiryChunk` expired entries, each removal
// writes at most that many, and the readers are woken to read on once a run is removed: the
// upstream pump and the module-input delivery, driven only by those wake-ups (no polling), still
// drain every live entry behind the run, in order.
import { afterAll, describe, expect, it } from 'vitest';
import { ModuleInputs } from '../../../src/runtime/hub/downstream/module-inputs.js';
import { newCounters, UPSTREAM_ENDPOINT, type HubMessage } from '../../../src/runtime/hub/hub-types.js';
import type { UpstreamLink } from '../../../src/runtime/hub/upstream/upstream-link.js';
import { UpstreamPump } from '../../../src/runtime/hub/upstream/upstream-pump.js';
import type { HubStore } from '../../../src/runtime/store/hub-store.js';
import { eventually, message, ScratchHubStores } from './hub-store-support.js';

const stores = new ScratchHubStores();
afterAll(() => stores.cleanUp());

const CHUNK = 20;
const EXPIRED = 730;
const LIVE = 5;

/** A queue holding EXPIRED entries that expired long ago, then LIVE entries that never expire. */
async function expiredRunThenLive(endpoint: string): Promise<HubStore> {
  const { store } = stores.fresh({ expiryChunk: CHUNK, minFreeDiskBytes: 0 });
  await Promise.all(Array.from({ length: EXPIRED }, (_, index) => store.messages.append(message(`old ${index}`, 0), [{ endpoint, priority: 0, ttlSeconds: 1 }])));
  for (let index = 0; index < LIVE; index += 1) await store.messages.append(message(`live ${index}`, Date.now()), [{ endpoint, priority: 0, ttlSeconds: -1 }]);
  return store;
}

const liveBodies = Array.from({ length: LIVE }, (_, index) => `live ${index}`);

describe('a run of expired entries before live ones', () => {
  it('is skipped and removed a chunk at a time, and the readers are woken until they reach the live entries', async () => {
    const store = await expiredRunThenLive(UPSTREAM_ENDPOINT);
    const removals: number[] = [];
    store.messages.onExpired((count) => removals.push(count));
    const got: string[] = [];
    let cursor = 0;
    const readOn = () => {
      for (const entry of store.messages.read(UPSTREAM_ENDPOINT, 0, cursor, 100, Date.now())) {
        cursor = entry.offset;
        got.push(entry.message.body.toString());
      }
    };
    store.messages.onAppend((endpoints) => {
      if (endpoints.includes(UPSTREAM_ENDPOINT)) readOn();
    });
    readOn();
    await eventually(() => got.length === LIVE, 'the live entries behind the expired run');
    expect(got).toEqual(liveBodies);
    await eventually(() => removals.reduce((sum, count) => sum + count, 0) === EXPIRED, 'every expired entry removed');
    expect(Math.max(...removals)).toBeLessThanOrEqual(CHUNK);
    expect(store.messages.status(Date.now()).queues[0]).toMatchObject({ depth: LIVE, checkpoint: EXPIRED });
  });

  it('is drained past by the upstream pump, woken by the removals alone', async () => {
    const store = await expiredRunThenLive(UPSTREAM_ENDPOINT);
    const sent: string[] = [];
    const link = {
      state: 'connected',
      onStateChange: () => () => undefined,
      sendTelemetry: async (sentMessage: HubMessage) => {
        sent.push(sentMessage.body.toString());
      },
    } as unknown as UpstreamLink;
    const counters = newCounters();
    // No polling: without the wake-ups after each removal the pump would stop at the expired run.
    const pump = new UpstreamPump({ store: store.messages, link, counters, pollMs: 600_000, readBatch: 8 });
    pump.start();
    try {
      await eventually(() => counters.delivered === LIVE, 'the pump delivering the live entries');
      expect(sent).toEqual(liveBodies);
    } finally {
      await pump.stop();
    }
  });

  it('is drained past by the module-input delivery, woken by the removals alone', async () => {
    const endpoint = '/modules/filter/inputs/in1';
    const store = await expiredRunThenLive(endpoint);
    const counters = newCounters();
    const inputs = new ModuleInputs({ store: store.messages, counters, log: () => undefined, edgeDeviceId: 'edge-1', window: 4 });
    const stopWaking = store.messages.onAppend((endpoints) => inputs.wake(endpoints));
    const delivered: string[] = [];
    inputs.attach({ deviceId: 'edge-1', moduleId: 'filter' }, async (inputName, entry) => {
      expect(inputName).toBe('in1');
      delivered.push(entry.message.body.toString());
    });
    try {
      await eventually(() => counters.delivered === LIVE, 'the live entries delivered to the module');
      expect(delivered).toEqual(liveBodies);
    } finally {
      stopWaking();
      await inputs.close();
    }
  });
});
