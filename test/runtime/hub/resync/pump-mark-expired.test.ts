// The messages step after an outage longer than the TTL (review finding: the wait re-read every
// expired entry at each look, every 500 ms and after every acknowledgement, and starved the pump):
// over the real store, many expired entries lie ahead of a few live ones. The wait reads each
// expired entry at most once, in bounded looks, passing them counts as progress, and the round's
// messages step ends done with the live ones counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { newCounters, UPSTREAM_ENDPOINT, type HubMessage, type UpstreamState } from '../../../../src/runtime/hub/hub-types.js';
import { Resync } from '../../../../src/runtime/hub/resync.js';
import type { UpstreamLink } from '../../../../src/runtime/hub/upstream/upstream-link.js';
import { UpstreamPump } from '../../../../src/runtime/hub/upstream/upstream-pump.js';
import { openHubStore, type HubStore, type MessageStore } from '../../../../src/runtime/store/hub-store.js';
import { waitFor } from '../../../support/wait-for.js';
import { FakeLinkState } from './resync-fakes.js';
import { hubMessage } from '../upstream/upstream-support.js';

const CHILD = { deviceId: 'child' };
const PRIORITY = 0;
const EXPIRED = 20_000;
const LIVE = 10;

class TestLink extends FakeLinkState {
  override state: UpstreamState = 'cut';
  readonly sent: string[] = [];

  sendTelemetry(message: HubMessage): Promise<void> {
    this.sent.push(message.body.toString());
    return Promise.resolve();
  }
}

/** The store as the pump sees it, counting what the wait's looks read; its reads (which remove expired entries) wait while `reading` is off. */
class WatchedStore {
  reading = false;
  looks = 0;
  /** Looks that stopped at a live entry (each reads that one entry besides the expired ones). */
  looksAtLive = 0;
  entriesLooked = 0;
  largestLook = 0;
  readonly messages: MessageStore;

  constructor(store: MessageStore) {
    this.messages = {
      ...store,
      read: (...args) => (this.reading ? store.read(...args) : []),
      lookThrough: (...args) => {
        const look = store.lookThrough(...args);
        this.looks += 1;
        if (look.liveAt !== undefined) this.looksAtLive += 1;
        this.entriesLooked += look.looked;
        this.largestLook = Math.max(this.largestLook, look.looked);
        return look;
      },
    };
  }
}

/** The pump's clock: real time, moved on by `skip`. */
const clock = { skewMs: 0, now: () => Date.now() + clock.skewMs, skip: (ms: number) => (clock.skewMs += ms) };

let folder: string | undefined;
let store: HubStore | undefined;
let pump: UpstreamPump | undefined;
let resync: Resync | undefined;

afterEach(async () => {
  resync?.stop();
  await pump?.stop();
  await store?.close();
  if (folder) rmSync(folder, { recursive: true, force: true });
  resync = pump = store = folder = undefined;
});

async function setUp(expired: number, ttlSeconds: number): Promise<{ link: TestLink; watched: WatchedStore; pump: UpstreamPump }> {
  clock.skewMs = 0;
  folder = mkdtempSync(join(tmpdir(), 'edgewise-mark-expired-'));
  store = openHubStore(folder);
  const target = [{ endpoint: UPSTREAM_ENDPOINT, priority: PRIORITY, ttlSeconds }];
  const enqueuedAtMs = clock.now() - 10_000;
  for (let start = 0; start < expired; start += 1000) {
    const batch = Array.from({ length: Math.min(1000, expired - start) }, (_, index) => store!.messages.append(hubMessage(CHILD, `old-${start + index}`, { enqueuedAtMs }), target));
    await Promise.all(batch);
  }
  for (let index = 0; index < LIVE; index += 1) await store.messages.append(hubMessage(CHILD, `live-${index}`), [{ endpoint: UPSTREAM_ENDPOINT, priority: PRIORITY, ttlSeconds: -1 }]);
  const link = new TestLink();
  const watched = new WatchedStore(store.messages);
  pump = new UpstreamPump({ store: watched.messages, link: link as unknown as UpstreamLink, counters: newCounters(), stopTimeoutMs: 100, pollMs: 100, now: clock.now });
  pump.start();
  return { link, watched, pump };
}

it('passes each expired entry once, in bounded looks, and the messages step ends done with the live ones counted', async () => {
  const { link, watched, pump } = await setUp(EXPIRED, 5);
  const lines: string[] = [];
  resync = new Resync({
    link,
    messages: pump,
    twins: { sendPendingReported: async () => 0, reconcileDesired: async () => 0 },
    scope: { refreshWithOutcome: async () => ({ ok: true, identities: 1, added: 0, removed: 0 }) },
    log: (line) => lines.push(line),
  });
  link.set('connected');
  // The pump's reads (which would remove the expired entries) wait: the wait looks again and again at a queue full of them.
  await waitFor('several looks stopped at the first live entry', () => watched.looksAtLive >= 5);
  expect(resync.view().steps[0]!.state).toBe('running');
  // Every look but those at a live entry passed only expired entries it had not read before.
  expect(watched.entriesLooked).toBeLessThanOrEqual(EXPIRED + watched.looksAtLive);
  expect(watched.largestLook).toBeLessThanOrEqual(1000);

  watched.reading = true;
  await waitFor('the round to finish', () => resync!.completed);
  expect(resync.view().steps[0]).toMatchObject({ step: 'messages', state: 'done', count: LIVE });
  expect(link.sent).toEqual(Array.from({ length: LIVE }, (_, index) => `live-${index}`));
  expect(watched.entriesLooked).toBeLessThanOrEqual(EXPIRED + watched.looksAtLive);
  expect(lines[0]).toBe(`resync 1: messages done, ${LIVE} delivered`);
});

it('counts entries expiring while it waits as progress, not as a stall', async () => {
  // Live when the wait begins (60 s TTL, stored 10 s ago), expired once the clock moves on.
  const { link, watched, pump } = await setUp(3000, 60);
  const mark = pump.mark();
  let outcome: string | undefined;
  void pump.deliveredThrough(mark, { stallMs: 120_000 }).then(
    (count) => (outcome = `delivered ${count}`),
    (error: Error) => (outcome = `failed: ${error.message}`),
  );
  link.set('connected');
  await waitFor('a look stopped at the first entry, still live', () => watched.looksAtLive >= 1);
  clock.skip(61_000);
  const looksBefore = watched.looks;
  // The next looks pass the 3,000 entries that expired: progress at the skipped-to time.
  await waitFor('the looks to pass the expired entries', () => watched.entriesLooked >= 3000 && watched.looksAtLive >= 3 && watched.looks > looksBefore);
  clock.skip(61_000);
  // 122 s after the wait began, 61 s after the last progress: no stall.
  const looksThen = watched.looks;
  await waitFor('two more looks, or the wait to end', () => watched.looks >= looksThen + 2 || outcome !== undefined);
  expect(outcome).toBeUndefined();

  watched.reading = true;
  await waitFor('the wait to end', () => outcome);
  expect(outcome).toBe(`delivered ${LIVE}`);
});
