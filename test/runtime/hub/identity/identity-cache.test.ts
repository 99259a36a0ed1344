// The identity cache: a listing replaces the scope only once persisted, survives a reopen, keeps
// keys sealed at rest, and says who left. Against a Records in memory (store-agnostic rules) and
// the real emulator's listing; identity-cache-store.test.ts repeats the restart on the lmdb store.
import { describe, expect, it } from 'vitest';
import type { CachedIdentity } from '../../../../src/runtime/hub/hub-types.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { memoryRecords } from './memory-records.js';

const SEAL = Buffer.alloc(32, 1);
const OTHER_SEAL = Buffer.alloc(32, 2);

const identity = (deviceId: string, extra: Partial<CachedIdentity> = {}): CachedIdentity => ({ deviceId, status: 'enabled', keys: [`key-${deviceId}${extra.moduleId ?? ''}`, 'second'], generationId: `g-${deviceId}`, ...extra });

const SCOPE: CachedIdentity[] = [identity('edge-1', { iotEdge: true }), identity('edge-1', { moduleId: '$edgeHub' }), identity('edge-1', { moduleId: 'filter' }), identity('child-1', { iotEdge: false }), identity('child-2')];

describe('IdentityCache', () => {
  it('starts empty and not synced, then serves the scope it was given', async () => {
    const cache = IdentityCache.open(memoryRecords(), 'edge-1');
    expect(cache.synced).toBe(false);
    expect(cache.all()).toEqual([]);
    expect(await cache.replace(SCOPE)).toEqual({ removed: [] });
    expect(cache.synced).toBe(true);
    expect(cache.lookup('child-1')).toEqual(SCOPE[3]);
    expect(cache.lookup('edge-1', 'filter')?.keys).toEqual(['key-edge-1filter', 'second']);
    expect(cache.lookup('edge-1', 'nope')).toBeUndefined();
    expect(cache.all()).toHaveLength(5);
  });

  it('reloads the persisted scope, and with a seal key keeps no key in clear', async () => {
    const records = memoryRecords();
    await IdentityCache.open(records, 'edge-1', { sealKey: SEAL }).replace(SCOPE);
    const stored = JSON.stringify(records.entries());
    for (const entry of SCOPE) expect(stored).not.toContain(entry.keys[0]);
    expect(stored).toContain('child-1');
    const reopened = IdentityCache.open(records, 'edge-1', { sealKey: SEAL });
    expect(reopened.synced).toBe(true);
    expect(reopened.warnings).toEqual([]);
    expect(reopened.all().sort(byName)).toEqual([...SCOPE].sort(byName));
  });

  it('without a seal key keeps keys in clear and reloads them', async () => {
    const records = memoryRecords();
    await IdentityCache.open(records, 'edge-1').replace(SCOPE);
    expect(JSON.stringify(records.entries())).toContain('key-child-1');
    expect(IdentityCache.open(records, 'edge-1').lookup('child-1')?.keys).toEqual(['key-child-1', 'second']);
  });

  it('loads as not synced, with a warning, when the seal key is another one or missing', async () => {
    const records = memoryRecords();
    await IdentityCache.open(records, 'edge-1', { sealKey: SEAL }).replace(SCOPE);
    for (const options of [{ sealKey: OTHER_SEAL }, {}]) {
      const cache = IdentityCache.open(records, 'edge-1', options);
      expect(cache.synced).toBe(false);
      expect(cache.all()).toEqual([]);
      expect(cache.warnings).toEqual([expect.stringMatching(/^the identity cache cannot be read: .*; was its key file replaced\? It will be refilled at the next sync with the cloud$/)]);
    }
    // Nothing was deleted: the right key still reads it.
    expect(IdentityCache.open(records, 'edge-1', { sealKey: SEAL }).synced).toBe(true);
  });

  it('refuses a sealed value moved onto another identity', async () => {
    const records = memoryRecords();
    await IdentityCache.open(records, 'edge-1', { sealKey: SEAL }).replace(SCOPE);
    const child1 = records.get('identity:child-1') as Record<string, unknown>;
    const child2 = records.get('identity:child-2') as Record<string, unknown>;
    await records.put('identity:child-2', { ...child2, sealedKeys: child1.sealedKeys });
    const cache = IdentityCache.open(records, 'edge-1', { sealKey: SEAL });
    expect(cache.synced).toBe(false);
    expect(cache.warnings[0]).toContain('child-2 (its keys cannot be unsealed with this seal key)');
  });

  it('does not use the scope of another edge device', async () => {
    const records = memoryRecords();
    await IdentityCache.open(records, 'edge-1').replace(SCOPE);
    const cache = IdentityCache.open(records, 'edge-9');
    expect(cache.synced).toBe(false);
    expect(cache.lookup('child-1')).toBeUndefined();
    expect(cache.warnings).toEqual(['the identity cache holds the scope of edge device edge-1, not edge-9; it is not used, and the next sync with the cloud replaces it']);
  });

  it('keeps the old scope when persisting the new one fails', async () => {
    const records = memoryRecords();
    const cache = IdentityCache.open(records, 'edge-1');
    await cache.replace(SCOPE);
    records.failNext(new Error('MDB_MAP_FULL'));
    await expect(cache.replace([SCOPE[0]!])).rejects.toThrow('MDB_MAP_FULL');
    expect(cache.all()).toHaveLength(5);
    expect(IdentityCache.open(records, 'edge-1').all()).toHaveLength(5);
    // The next replace runs normally after a failed one.
    await cache.replace([SCOPE[0]!]);
    expect(cache.all()).toHaveLength(1);
  });

  it('says who can no longer authenticate: gone, disabled, recreated, or a module of a disabled device', async () => {
    const cache = IdentityCache.open(memoryRecords(), 'edge-1');
    await cache.replace([...SCOPE, identity('child-3', { status: 'disabled' })]);
    const next = [
      identity('edge-1', { iotEdge: true }),
      identity('edge-1', { moduleId: '$edgeHub' }),
      identity('edge-1', { moduleId: 'filter', generationId: 'new' }),
      identity('child-1', { status: 'disabled', iotEdge: false }),
      identity('child-3'),
    ];
    const { removed } = await cache.replace(next);
    expect(removed).toEqual([
      { deviceId: 'edge-1', moduleId: 'filter' },
      { deviceId: 'child-1' },
      { deviceId: 'child-2' },
    ]);
    const disabledEdge = await cache.replace([identity('edge-1', { status: 'disabled' }), identity('edge-1', { moduleId: '$edgeHub' })]);
    expect(disabledEdge.removed).toEqual([{ deviceId: 'edge-1' }, { deviceId: 'edge-1', moduleId: '$edgeHub' }, { deviceId: 'edge-1', moduleId: 'filter' }, { deviceId: 'child-3' }]);
    expect(cache.usable({ deviceId: 'edge-1', moduleId: '$edgeHub' })).toBe(false);
  });

  it('runs concurrent replaces one after another, in call order', async () => {
    const cache = IdentityCache.open(memoryRecords(), 'edge-1');
    const first = cache.replace(SCOPE);
    const second = cache.replace([SCOPE[0]!]);
    await Promise.all([first, second]);
    expect(cache.all()).toEqual([SCOPE[0]]);
  });

  it('answers the primary key, and the connection string\'s key for the edge device before any sync', async () => {
    const cache = IdentityCache.open(memoryRecords(), 'edge-1', { edgeDeviceKey: 'from-cs' });
    expect(cache.keyOf({ deviceId: 'edge-1' })).toBe('from-cs');
    expect(cache.keyOf({ deviceId: 'edge-1', moduleId: '$edgeHub' })).toBeUndefined();
    await cache.replace(SCOPE);
    expect(cache.keyOf({ deviceId: 'edge-1' })).toBe('from-cs');
    expect(cache.keyOf({ deviceId: 'edge-1', moduleId: '$edgeHub' })).toBe('key-edge-1$edgeHub');
    expect(cache.keyOf({ deviceId: 'child-1' })).toBe('key-child-1');
    expect(cache.keyOf({ deviceId: 'ghost' })).toBeUndefined();
  });

  it('refuses a seal key of the wrong size', () => {
    expect(() => IdentityCache.open(memoryRecords(), 'edge-1', { sealKey: Buffer.alloc(16) })).toThrow('the identity cache seal key must be 32 bytes');
  });
});

function byName(a: CachedIdentity, b: CachedIdentity): number {
  const name = (identity: CachedIdentity): string => `${identity.deviceId}/${identity.moduleId ?? ''}`;
  return name(a) < name(b) ? -1 : 1;
}
