// The pump keeps one identity's order at the cloud when an earlier send fails after a later one
// of the same identity succeeded: the later success is not final; both go again, the earlier first
// (at least once: the cloud may see a message twice, but its last copies are in store order).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { newCounters, UPSTREAM_ENDPOINT, type HubMessage } from '../../../../src/runtime/hub/hub-types.js';
import { UpstreamPump } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import { UpstreamUnavailableError, type UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { hubMessage, waitFor } from './upstream-support.js';

let folder: string | undefined;
let store: HubStore | undefined;
let pump: UpstreamPump | undefined;

afterEach(async () => {
  await pump?.stop();
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  pump = store = folder = undefined;
});

/** The order of each body's last arrival: what a reader that keeps the latest copy sees. */
function lastArrivals(bodies: string[]): string[] {
  return bodies.filter((body, index) => bodies.indexOf(body, index + 1) === -1);
}

it('sends a later message again after an earlier one of its identity failed behind it', async () => {
  folder = mkdtempSync(join(tmpdir(), 'edgewise-pump-order-'));
  store = openHubStore(folder);
  const target = [{ endpoint: UPSTREAM_ENDPOINT, priority: 0, ttlSeconds: -1 }];
  for (const body of ['A1', 'A2', 'A3']) await store.messages.append(hubMessage({ deviceId: 'child' }, body), target);
  const cloud: string[] = [];
  let loseA1 = true;
  const failLater: (() => void)[] = [];
  // A1 is lost with the old connection, and says so only after A2 and A3 went through.
  const link = {
    state: 'connected',
    onStateChange: () => () => undefined,
    sendTelemetry: (message: HubMessage) => {
      const body = message.body.toString();
      if (body === 'A1' && loseA1) {
        loseA1 = false;
        return new Promise<void>((_, reject) => failLater.push(() => reject(new UpstreamUnavailableError('the connection closed'))));
      }
      cloud.push(body);
      if (body === 'A3') setTimeout(() => failLater.splice(0).forEach((fail) => fail()), 10);
      return Promise.resolve();
    },
  } as unknown as UpstreamLink;
  const counters = newCounters();
  pump = new UpstreamPump({ store: store.messages, link, counters, backoff: { minMs: 10, maxMs: 20 } });
  pump.start();
  await waitFor('the queue to empty', () => store!.messages.status(Date.now()).queues.every((queue) => queue.depth === 0) && cloud.includes('A1'));

  expect(cloud).toEqual(['A2', 'A3', 'A1', 'A2', 'A3']);
  expect(lastArrivals(cloud)).toEqual(['A1', 'A2', 'A3']);
  await waitFor('the deliveries to be counted', () => counters.delivered === 3);
});
