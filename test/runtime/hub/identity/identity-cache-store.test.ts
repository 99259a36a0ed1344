// The cache on the real hub store (lmdb in a temp folder) with the scope from the real emulator:
// it survives a close and reopen with the cloud gone, clients authenticate from it, and the data
// file on disk holds no key in clear.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openHubStore, type HubStore } from '../../../../src/runtime/store/hub-store.js';
import { signSasToken } from '../../../../src/runtime/iothub/sas.js';
import { authenticateFromCache } from '../../../../src/runtime/hub/identity/authenticate-client.js';
import { ensureIdentityCacheKey } from '../../../../src/runtime/hub/identity/identity-cache-key.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { EDGE, startScopeCloud, type ScopeCloud } from './scope-cloud.js';

const cleanups: (() => Promise<void> | void)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function dataFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-identity-store-'));
  cleanups.push(() => rmSync(folder, { recursive: true, force: true }));
  return folder;
}

function openStore(folder: string): HubStore {
  const store = openHubStore(join(folder, 'storage'));
  cleanups.push(() => store.close());
  return store;
}

describe('the identity cache in the hub store', () => {
  it('authenticates a child after a restart with the cloud gone, and keeps keys sealed on disk', async () => {
    const world: ScopeCloud = await startScopeCloud();
    cleanups.push(() => world.close());
    const folder = dataFolder();
    const first = openStore(folder);
    const cache = IdentityCache.open(first.identities, EDGE, { sealKey: ensureIdentityCacheKey(folder) });
    await cache.replace(await world.fetchScope());
    const childKey = world.keyOf({ deviceId: 'child-1' });
    const hostName = world.hostName;
    await first.close();
    await world.close();

    const files = readdirSync(join(folder, 'storage'));
    const disk = Buffer.concat(files.map((file) => readFileSync(join(folder, 'storage', file))));
    expect(disk.includes(Buffer.from('child-1'))).toBe(true);
    expect(disk.includes(Buffer.from(childKey))).toBe(false);

    const reopened = IdentityCache.open(openStore(folder).identities, EDGE, { sealKey: ensureIdentityCacheKey(folder) });
    expect(reopened.synced).toBe(true);
    expect(reopened.all()).toHaveLength(6);
    const nowSeconds = Math.floor(Date.now() / 1000);
    const token = signSasToken(`${hostName}/devices/child-1`, childKey, nowSeconds + 600);
    const verdict = authenticateFromCache({ clientId: 'child-1', username: `${hostName}/child-1/?api-version=2021-04-12`, password: Buffer.from(token), protocolVersion: 4 }, { cache: reopened, hostNames: [hostName], nowSeconds });
    expect(verdict).toMatchObject({ ok: true, client: { identity: { deviceId: 'child-1' } } });
  });

  it('replaces the whole table: an identity gone from the scope is gone after a reopen', async () => {
    const folder = dataFolder();
    const store = openStore(folder);
    const cache = IdentityCache.open(store.identities, EDGE);
    await cache.replace([
      { deviceId: EDGE, status: 'enabled', keys: ['a2V5'], generationId: 'g1', iotEdge: true },
      { deviceId: 'child-1', status: 'enabled', keys: ['a2V5'], generationId: 'g2' },
    ]);
    await cache.replace([{ deviceId: EDGE, status: 'enabled', keys: ['a2V5'], generationId: 'g1', iotEdge: true }]);
    await store.close();
    const reopened = IdentityCache.open(openStore(folder).identities, EDGE);
    expect(reopened.all().map((identity) => identity.deviceId)).toEqual([EDGE]);
  });
});
