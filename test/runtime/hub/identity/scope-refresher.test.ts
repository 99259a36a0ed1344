// The refresher against the real emulator: first sync on start, a client added in the cloud found
// after an unknown CONNECT, identities disabled or deleted in the cloud reported for disconnection,
// the cache kept while the cloud is away, and the 30 s limit on refreshes for unknown clients.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CachedIdentity } from '../../../../src/runtime/hub/hub-types.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { ScopeRefresher, type ScopeRefresherOptions } from '../../../../src/runtime/hub/identity/scope-refresher.js';
import { memoryRecords } from './memory-records.js';
import { EDGE, startScopeCloud, type ScopeCloud } from './scope-cloud.js';
import { waitFor as pollUntil } from '../../../support/wait-for.js';

let world: ScopeCloud;
const refreshers: ScopeRefresher[] = [];

beforeAll(async () => {
  world = await startScopeCloud();
});

afterEach(() => {
  for (const refresher of refreshers.splice(0)) refresher.stop();
});

afterAll(async () => {
  await world?.close();
});

interface Harness {
  cache: IdentityCache;
  refresher: ScopeRefresher;
  removed: ClientIdentity[][];
  lines: string[];
  fetches: () => number;
}

function harness(options: Partial<ScopeRefresherOptions> & { fetch?: () => Promise<CachedIdentity[]> } = {}): Harness {
  const cache = IdentityCache.open(memoryRecords(), EDGE);
  const removed: ClientIdentity[][] = [];
  const lines: string[] = [];
  let fetches = 0;
  const fetch = options.fetch ?? (() => world.fetchScope());
  const refresher = new ScopeRefresher({
    ...options,
    cache,
    fetch: () => {
      fetches += 1;
      return fetch();
    },
    onRemoved: (identities) => removed.push(identities),
    log: (line) => lines.push(line),
  });
  refreshers.push(refresher);
  return { cache, refresher, removed, lines, fetches: () => fetches };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  await pollUntil(what, condition);
}

describe('ScopeRefresher', () => {
  it('syncs on start', async () => {
    const { cache, refresher, lines } = harness();
    refresher.start();
    await until(() => cache.synced, 'the first sync');
    expect(cache.lookup('child-1')?.status).toBe('enabled');
    expect(lines).toEqual(['identity cache: device scope refreshed, 6 identities']);
  });

  it('finds a child added in the cloud when it first tries to connect', async () => {
    const { cache, refresher } = harness();
    expect(await refresher.refreshNow()).toBe(true);
    await world.cloud.client.createDevice('child-new', { parent: world.edge });
    expect(cache.lookup('child-new')).toBeUndefined();
    refresher.unknownIdentity({ deviceId: 'child-new' });
    await until(() => cache.lookup('child-new') !== undefined, 'the new child is cached');
    await world.cloud.client.deleteDevice('child-new');
  });

  it('refreshes for unknown clients at most once per 30 s', async () => {
    let now = 1_000_000;
    const { refresher, fetches } = harness({ clock: () => now });
    refresher.unknownIdentity({ deviceId: 'ghost-1' });
    expect(fetches()).toBe(1);
    await refresher.refreshNow(); // joins the one under way
    expect(fetches()).toBe(1);
    now += 29_999;
    refresher.unknownIdentity({ deviceId: 'ghost-2' });
    expect(fetches()).toBe(1);
    now += 1;
    refresher.unknownIdentity({ deviceId: 'ghost-3' });
    expect(fetches()).toBe(2);
    await refresher.refreshNow();
  });

  it('reports identities disabled or deleted in the cloud, once', async () => {
    const { refresher, removed } = harness();
    await world.cloud.client.createDevice('child-gone', { parent: world.edge });
    await world.cloud.client.createDevice('child-paused', { parent: world.edge });
    expect(await refresher.refreshNow()).toBe(true);
    await world.cloud.client.deleteDevice('child-gone');
    await world.cloud.client.setDeviceStatus('child-paused', 'disabled');
    expect(await refresher.refreshNow()).toBe(true);
    expect(removed).toEqual([[{ deviceId: 'child-gone' }, { deviceId: 'child-paused' }]]);
    expect(await refresher.refreshNow()).toBe(true);
    expect(removed).toHaveLength(1);
    await world.cloud.client.deleteDevice('child-paused');
  });

  it('keeps the cache when the cloud cannot be reached, and says so', async () => {
    let reachable = true;
    const { cache, refresher, lines } = harness({ fetch: () => (reachable ? world.fetchScope() : Promise.reject(new Error('cannot reach the cloud (ECONNREFUSED)'))) });
    expect(await refresher.refreshNow()).toBe(true);
    reachable = false;
    expect(await refresher.refreshNow()).toBe(false);
    expect(cache.lookup('child-1')).toBeDefined();
    expect(lines.at(-1)).toBe('identity cache: device scope not refreshed, the cached one is kept: cannot reach the cloud (ECONNREFUSED)');
  });

  it('says when no scope was ever synced', async () => {
    const { refresher, lines } = harness({ fetch: () => Promise.reject(new Error('HTTP 401')) });
    expect(await refresher.refreshNow()).toBe(false);
    expect(lines).toEqual(['identity cache: device scope not refreshed, the cached one is kept (none yet: child devices and modules cannot connect until a sync succeeds): HTTP 401']);
  });

  it('joins a refresh already under way', async () => {
    const { refresher, fetches } = harness();
    const results = await Promise.all([refresher.refreshNow(), refresher.refreshNow()]);
    expect(results).toEqual([true, true]);
    expect(fetches()).toBe(1);
  });

  it('retries a failed refresh on its own, and refreshes nothing more until the next trigger', async () => {
    let failing = true;
    const { cache, refresher, fetches } = harness({ retryMs: 50, fetch: () => (failing ? Promise.reject(new Error('offline')) : world.fetchScope()) });
    refresher.start();
    await until(() => fetches() >= 2, 'a retry after the failed first refresh');
    failing = false;
    await until(() => cache.synced, 'a retry that succeeds');
    // The upstream's reconnects are no trigger of its own any more: the hub's resync round calls refreshNow.
    const after = fetches();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(fetches()).toBe(after);
    await refresher.stop();
  });

  it('before its first sync, retries soon and backs off (the hub cannot connect without the scope), instead of waiting the full retry period', async () => {
    let failures = 0;
    // A retry period no test would wait for: only the first-sync back-off can bring the sync within the hang guard.
    const { cache, refresher, fetches } = harness({ retryMs: 10 * 60_000, firstSyncRetryMs: 20, fetch: () => (++failures <= 3 ? Promise.reject(new Error('offline')) : world.fetchScope()) });
    refresher.start();
    await until(() => cache.synced, 'a sync after three failed tries');
    expect(fetches()).toBe(4);
    await refresher.stop();
  });

  it('says what a refresh changed: the scope size, identities added, and identities removed or disabled', async () => {
    const { refresher } = harness();
    await world.cloud.client.createDevice('child-leaving', { parent: world.edge });
    const first = await refresher.refreshWithOutcome();
    expect(first).toEqual({ ok: true, identities: 7, added: 7, removed: 0 });
    await world.cloud.client.deleteDevice('child-leaving');
    await world.cloud.client.createDevice('child-arriving', { parent: world.edge });
    await world.cloud.client.createDevice('child-arriving-2', { parent: world.edge });
    expect(await refresher.refreshWithOutcome()).toEqual({ ok: true, identities: 8, added: 2, removed: 1 });
    await world.cloud.client.deleteDevice('child-arriving');
    await world.cloud.client.deleteDevice('child-arriving-2');
  });

  it('says why a refresh failed', async () => {
    const { refresher } = harness({ fetch: () => Promise.reject(new Error('HTTP 503')) });
    expect(await refresher.refreshWithOutcome()).toEqual({ ok: false, reason: 'HTTP 503' });
  });
});
