// The pump's wait for a mark, over the real store (lmdb in a temp folder) and a link the test
// drives: it ends once every entry stored before the mark is delivered or expired, counting the
// deliveries, while entries stored after it keep flowing unwaited for; an abort, a stall and the
// pump stopping each end it with a reason.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newCounters, UPSTREAM_ENDPOINT, type HubMessage, type UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import type { UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { UpstreamPump } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { waitFor } from '../../../support/wait-for.js';
import { FakeLinkState } from './resync-fakes.js';
import { hubMessage } from '../upstream/upstream-support.js';

const CHILD = { deviceId: 'child' };
const HIGH = 0;
const LOW = 2_000_000_000;

/** A link whose state the test sets; sends of bodies starting with `hold` never end, the others succeed at once. */
class TestLink extends FakeLinkState {
  override state: UpstreamState = 'cut';
  readonly sent: string[] = [];

  sendTelemetry(message: HubMessage): Promise<void> {
    const body = message.body.toString();
    this.sent.push(body);
    if (body.startsWith('hold')) return new Promise(() => undefined);
    return Promise.resolve();
  }
}

let folder: string | undefined;
let store: HubStore | undefined;
let pump: UpstreamPump | undefined;

afterEach(async () => {
  await pump?.stop();
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  pump = store = folder = undefined;
});

/** The pump's clock: real time, moved on by `skip` (a stall of two minutes without waiting two minutes). */
const clock = { skewMs: 0, now: () => Date.now() + clock.skewMs, skip: (ms: number) => (clock.skewMs += ms) };

function setUp(): { link: TestLink; store: HubStore; pump: UpstreamPump } {
  clock.skewMs = 0;
  folder = mkdtempSync(join(tmpdir(), 'edgewise-pump-mark-'));
  store = openHubStore(folder);
  const link = new TestLink();
  pump = new UpstreamPump({ store: store.messages, link: link as unknown as UpstreamLink, counters: newCounters(), backoff: { minMs: 10, maxMs: 20 }, stopTimeoutMs: 100, now: clock.now });
  pump.start();
  return { link, store, pump };
}

async function append(target: HubStore, bodies: string[], priority = LOW, ttlSeconds = -1): Promise<void> {
  for (const body of bodies) await target.messages.append(hubMessage(CHILD, body), [{ endpoint: UPSTREAM_ENDPOINT, priority, ttlSeconds }]);
}

describe('waiting for a mark', () => {
  it('ends once what was stored before the mark is delivered, counting it, while what came after still flows', async () => {
    const { link, store, pump } = setUp();
    await append(store, ['a1', 'a2', 'a3']);
    await append(store, ['h1', 'h2'], HIGH);
    const mark = pump.mark();
    expect(mark).toEqual(new Map([[HIGH, 2], [LOW, 3]]));
    // Stored after the mark: one that goes up, one that never does; neither is waited for.
    await append(store, ['later', 'hold-forever']);
    let delivered: number | undefined;
    const wait = pump.deliveredThrough(mark).then((count) => (delivered = count));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(delivered).toBeUndefined();

    link.set('connected');
    await wait;
    expect(delivered).toBe(5);
    await waitFor('the message after the mark to go up too', () => link.sent.includes('later'));
    expect(link.sent.slice(0, 5)).toEqual(['h1', 'h2', 'a1', 'a2', 'a3']);
  });

  it('ends at once, with nothing counted, when nothing was stored', async () => {
    const { pump } = setUp();
    expect(await pump.deliveredThrough(pump.mark())).toBe(0);
  });

  it('counts entries that expired as done, not delivered', async () => {
    const { store, pump } = setUp();
    await append(store, ['short-1', 'short-2'], LOW, 60);
    const wait = pump.deliveredThrough(pump.mark());
    clock.skip(61_000);
    expect(await wait).toBe(0);
  });

  it('ends with the abort reason when aborted', async () => {
    const { store, pump } = setUp();
    await append(store, ['waits']);
    const stopping = new AbortController();
    const wait = pump.deliveredThrough(pump.mark(), { signal: stopping.signal });
    stopping.abort(new Error('the upstream is disconnected'));
    await expect(wait).rejects.toThrow('the upstream is disconnected');
  });

  it('gives up after a stall without one of its entries delivered, saying how many went up before', async () => {
    const { link, store, pump } = setUp();
    await append(store, ['first', 'hold-1', 'hold-2']);
    const wait = pump.deliveredThrough(pump.mark(), { stallMs: 120_000 });
    const outcome = wait.catch((error: Error) => error.message);
    link.set('connected');
    await waitFor('the held messages to be sent', () => link.sent.includes('hold-2'));
    clock.skip(120_000);
    expect(await outcome).toBe('the messages stored before the reconnect made no progress for 120 s (1 went up before that); the pump keeps sending them');
  });

  it('ends when the pump stops', async () => {
    const { store, pump } = setUp();
    await append(store, ['waits']);
    const wait = pump.deliveredThrough(pump.mark());
    await pump.stop();
    await expect(wait).rejects.toThrow('the hub is stopping');
  });
});
