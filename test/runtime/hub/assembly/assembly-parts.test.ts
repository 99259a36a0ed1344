// The small pieces the assembly wires, each on its own: the log (time stamps, repeats folded),
// ingest (route, store, count; refusal means no PUBACK), the expiry cleanup (one pass at a time,
// stop ends a pass between two transactions), the status shape, and the edge device's connection string.
import { describe, expect, it } from 'vitest';
import { normalizeManifest } from '../../../../src/manifest/normalize-manifest.js';
import { hubSettingsFromManifest, type HubSettings } from '../../../../src/runtime/hub/config/hub-settings.js';
import { deploymentUpdates } from '../../../../src/runtime/hub/deployment-updates.js';
import { edgeConnection } from '../../../../src/runtime/hub/edge-connection.js';
import { ExpiryCleanup } from '../../../../src/runtime/hub/expiry-cleanup.js';
import { createHubLog } from '../../../../src/runtime/hub/hub-log.js';
import { hubStatus } from '../../../../src/runtime/hub/hub-status.js';
import type { ResyncView } from '../../../../src/runtime/hub/resync.js';
import { newCounters, type HubMessage, type QueueTarget } from '../../../../src/runtime/hub/hub-types.js';
import { createIngest } from '../../../../src/runtime/hub/ingest.js';
import { hubManifest, STANDARD_ROUTES, waitFor } from './hub-support.js';

function message(deviceId = 'sensor'): HubMessage {
  return { source: { deviceId }, properties: {}, systemProperties: {}, body: Buffer.from('{}'), enqueuedAtMs: 1_000 };
}

describe('createHubLog', () => {
  it('stamps each line with the time and folds repeats within the window into one count', () => {
    let now = Date.parse('2025-01-01T00:00:00Z');
    const written: string[] = [];
    const log = createHubLog((text) => written.push(text), { now: () => now, repeatWindowMs: 10_000 });
    log('store full');
    for (let i = 0; i < 500; i++) log('store full');
    log('upstream cut');
    now += 10_000;
    log('store full');
    log('store full');
    expect(written).toEqual([
      '2025-01-01T00:00:00.000Z store full\n',
      '2025-01-01T00:00:00.000Z upstream cut\n',
      '2025-01-01T00:00:10.000Z store full (and 500 more times since the last time this was logged)\n',
    ]);
  });
});

describe('createIngest', () => {
  it('stores a routed message once with its targets, counting it received and stored, before resolving', async () => {
    const counters = newCounters();
    const targets: QueueTarget[] = [{ endpoint: '$upstream', priority: 0, ttlSeconds: 60 }];
    const appended: [HubMessage, readonly QueueTarget[]][] = [];
    let commit!: () => void;
    const ingest = createIngest({
      router: { targets: () => targets },
      store: { append: (stored, to) => new Promise<void>((resolve) => ((commit = resolve), appended.push([stored, to]))) },
      counters,
      log: () => undefined,
    });
    let resolved = false;
    const done = ingest(message()).then(() => (resolved = true));
    await new Promise((resolve) => setImmediate(resolve));
    // Not acknowledged before the commit.
    expect(resolved).toBe(false);
    expect(counters).toMatchObject({ received: 1, stored: 0 });
    commit();
    await done;
    expect(appended).toEqual([[message(), targets]]);
    expect(counters).toEqual({ received: 1, stored: 1, delivered: 0, expired: 0, refused: 0 });
  });

  it('acknowledges a message no route takes without storing it', async () => {
    const counters = newCounters();
    let appends = 0;
    const ingest = createIngest({ router: { targets: () => [] }, store: { append: async () => void appends++ }, counters, log: () => undefined });
    await ingest(message());
    expect(appends).toBe(0);
    expect(counters).toMatchObject({ received: 1, stored: 0, refused: 0 });
  });

  it('rejects when the store refuses, counting a refusal and logging who was refused and why', async () => {
    const counters = newCounters();
    const lines: string[] = [];
    const ingest = createIngest({
      router: { targets: () => [{ endpoint: '$upstream', priority: 0, ttlSeconds: -1 }] },
      store: { append: () => Promise.reject(new Error('the disk is full')) },
      counters,
      log: (line) => lines.push(line),
    });
    await expect(ingest({ ...message('gateway'), source: { deviceId: 'gateway', moduleId: 'filter' } })).rejects.toThrow('the disk is full');
    expect(counters).toMatchObject({ received: 1, stored: 0, refused: 1 });
    expect(lines).toEqual(['refused a message from gateway/filter (not acknowledged; the client sends it again): the disk is full']);
  });
});

describe('ExpiryCleanup', () => {
  it('runs one pass at a time, and stop waits for the pass in progress', async () => {
    let passes = 0;
    let finish!: () => void;
    const cleanup = new ExpiryCleanup({
      store: {
        removeExpired: () => {
          passes++;
          return new Promise<number>((resolve) => (finish = () => resolve(3)));
        },
      },
      log: () => undefined,
      now: () => 42,
    });
    const first = cleanup.runOnce();
    const second = cleanup.runOnce();
    expect(passes).toBe(1);
    let stopped = false;
    const stopping = cleanup.stop().then(() => (stopped = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(stopped).toBe(false);
    finish();
    await Promise.all([first, second, stopping]);
    expect(stopped).toBe(true);
  });

  it('stop asks a pass to end between two of its transactions, and waits only for the one under way', async () => {
    const TRANSACTIONS = 100;
    let committed = 0;
    let seen: AbortSignal | undefined;
    const cleanup = new ExpiryCleanup({
      store: {
        // A store that removes in small transactions and looks at the signal between them.
        removeExpired: async (_nowMs, options) => {
          seen = options?.signal;
          while (committed < TRANSACTIONS && !options?.signal?.aborted) {
            await new Promise((resolve) => setImmediate(resolve));
            committed++;
          }
          return committed;
        },
      },
      log: () => undefined,
    });
    const pass = cleanup.runOnce();
    while (committed < 2) await new Promise((resolve) => setImmediate(resolve));
    await cleanup.stop();
    await pass;
    expect(seen?.aborted).toBe(true);
    expect(committed).toBeLessThan(TRANSACTIONS);
  });

  it('runs on its interval and logs a failed pass without stopping', async () => {
    const lines: string[] = [];
    let passes = 0;
    const cleanup = new ExpiryCleanup({
      store: { removeExpired: async () => (++passes === 1 ? Promise.reject(new Error('I/O error')) : 0) },
      intervalMs: 10,
      log: (line) => lines.push(line),
    });
    cleanup.start();
    await waitFor('three cleanup passes', () => passes >= 3);
    await cleanup.stop();
    expect(lines[0]).toBe('the expiry cleanup failed (it runs again in 0 s): I/O error');
  });
});

describe('hubStatus', () => {
  it('has the contract shape: upstream, clients, queues with the oldest age in seconds, store, counters, resync, twins', () => {
    const now = Date.parse('2025-01-01T00:01:00Z');
    const counters = { ...newCounters(), received: 5, stored: 4 };
    const resync: ResyncView = {
      round: 2,
      state: 'waiting',
      steps: [
        { step: 'messages', state: 'done', startedAt: '2025-01-01T00:00:10.000Z', finishedAt: '2025-01-01T00:00:20.000Z', count: 1204 },
        { step: 'reported', state: 'interrupted', startedAt: '2025-01-01T00:00:20.000Z', finishedAt: '2025-01-01T00:00:21.000Z', count: 0, detail: 'the upstream went disconnected' },
        { step: 'desired', state: 'pending', count: 0 },
        { step: 'scope', state: 'pending', count: 0 },
      ],
    };
    const status = hubStatus(
      {
        upstream: { state: 'cut' },
        clients: () => [
          { clientId: 'sensor', connectedAtMs: now - 5_000 },
          { clientId: 'edge/filter', connectedAtMs: now - 1_000 },
        ],
        store: {
          status: () => ({
            queues: [
              { endpoint: '/modules/filter/inputs/in', priority: 2_000_000_000, depth: 0, checkpoint: 0 },
              { endpoint: '$upstream', priority: 0, depth: 4, oldestEnqueuedAtMs: now - 30_500, checkpoint: 7 },
            ],
            messages: 4,
            bytes: 1234,
          }),
        },
        counters,
        resync: { view: () => resync },
        twins: { pendingReported: () => ({ patches: 7, identities: 3 }) },
      },
      now,
    );
    expect(status).toEqual({
      upstream: 'cut',
      clients: [
        { clientId: 'edge/filter', connectedAt: '2025-01-01T00:00:59.000Z' },
        { clientId: 'sensor', connectedAt: '2025-01-01T00:00:55.000Z' },
      ],
      queues: [
        { endpoint: '$upstream', priority: 0, depth: 4, oldestAgeSeconds: 30 },
        { endpoint: '/modules/filter/inputs/in', priority: 2_000_000_000, depth: 0, oldestAgeSeconds: 0 },
      ],
      store: { messages: 4, bytes: 1234 },
      counters: { received: 5, stored: 4, delivered: 0, expired: 0, refused: 0 },
      resync,
      twins: { pendingReported: 7, identitiesPending: 3 },
    });
    // A copy: later counting does not change a status already taken.
    counters.received++;
    expect(status.counters.received).toBe(5);
  });
});

describe('edgeConnection', () => {
  it("reads an edge device's connection string, keeping HostName as written", () => {
    expect(edgeConnection('HostName=127.0.0.1:18883;DeviceId=edge;SharedAccessKey=a2V5')).toEqual({ hostName: '127.0.0.1:18883', deviceId: 'edge', key: 'a2V5' });
  });

  it('refuses strings it cannot serve with what to give instead, never echoing the key', () => {
    const refusal = (text: string): string => {
      try {
        edgeConnection(text);
      } catch (error) {
        return (error as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('HostName=h;DeviceId=edge')).toMatch(/^the edge device's connection string has no SharedAccessKey; give HostName=…;DeviceId=…;SharedAccessKey=…/);
    expect(refusal('HostName=h;DeviceId=edge;ModuleId=m;SharedAccessKey=c2VjcmV0')).toMatch(/names a module/);
    expect(refusal('HostName=h;DeviceId=edge;SharedAccessKey=c2VjcmV0;GatewayHostName=parent')).toMatch(/nested edge/);
    for (const text of ['HostName=h;DeviceId=edge;ModuleId=m;SharedAccessKey=c2VjcmV0', 'HostName=h;DeviceId=edge;SharedAccessKey=c2VjcmV0;GatewayHostName=parent']) expect(refusal(text)).not.toContain('c2VjcmV0');
  });
});

describe('deploymentUpdates', () => {
  async function start(): Promise<{ updates: ReturnType<typeof deploymentUpdates>; applied: HubSettings[]; lines: string[] }> {
    const initial = hubSettingsFromManifest(await normalizeManifest(hubManifest(STANDARD_ROUTES), { flavour: 'manifest' }));
    const applied: HubSettings[] = [];
    const lines: string[] = [];
    return { updates: deploymentUpdates(initial, { update: (settings) => applied.push(settings) }, (line) => lines.push(line)), applied, lines };
  }

  it('takes a new deployment for the next message: routes and TTL replaced', async () => {
    const { updates, applied, lines } = await start();
    const outcome = updates.apply({ schemaVersion: '1.1', routes: { up: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 60 } }, 4);
    expect(outcome).toEqual({ ok: true });
    expect(applied).toHaveLength(1);
    expect(updates.settings).toBe(applied[0]);
    expect(updates.settings).toMatchObject({ timeToLiveSecs: 60, routes: [{ name: 'up', text: 'FROM /messages/* INTO $upstream' }], upstreamProtocol: 'Mqtt' });
    expect(lines).toEqual(['applied deployment version 4 of $edgeHub: 1 route, time to live 60 s']);
  });

  it('refuses an invalid one and keeps the routes in use', async () => {
    const { updates, applied, lines } = await start();
    const before = updates.settings;
    const outcome = updates.apply({ schemaVersion: '1.1', storeAndForwardConfiguration: { timeToLiveSecs: 60 } }, 5);
    expect(outcome).toMatchObject({ ok: false, reason: expect.stringContaining('requires "routes"') });
    expect(applied).toEqual([]);
    expect(updates.settings).toBe(before);
    expect(lines[0]).toMatch(/^refused deployment version 5 of \$edgeHub, the routes in use are kept: /);
  });

  it("keeps the manifest's settings while the cloud has never deployed to this hub", async () => {
    const { updates, applied } = await start();
    expect(updates.apply({}, 1)).toEqual({ ok: true });
    expect(applied).toEqual([]);
    expect(updates.settings.routes.map((route) => route.name).sort()).toEqual(Object.keys(STANDARD_ROUTES).sort());
  });
});
