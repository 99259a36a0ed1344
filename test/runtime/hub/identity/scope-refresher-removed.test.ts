// A refresh whose "disconnect these" callback throws must not reject: every caller starts
// refreshes with `void`, and an unhandled rejection ends the hub's process. The refresh still
// counts as done and the failure is logged (review finding: onRemoved outside try/catch).
import { expect, it } from 'vitest';
import type { CachedIdentity } from '../../../../src/runtime/hub/hub-types.js';
import { IdentityCache } from '../../../../src/runtime/hub/identity/identity-cache.js';
import { ScopeRefresher } from '../../../../src/runtime/hub/identity/scope-refresher.js';
import { memoryRecords } from './memory-records.js';

const identity = (deviceId: string, extra: Partial<CachedIdentity> = {}): CachedIdentity => ({ deviceId, status: 'enabled', keys: [`key-${deviceId}`, 'second'], generationId: `g-${deviceId}`, ...extra });

it('logs a failing onRemoved instead of rejecting the refresh', async () => {
  const cache = IdentityCache.open(memoryRecords(), 'edge-1');
  const scopes = [
    [identity('edge-1', { iotEdge: true }), identity('child-1')],
    [identity('edge-1', { iotEdge: true })],
  ];
  const lines: string[] = [];
  const refresher = new ScopeRefresher({
    cache,
    fetch: async () => scopes.shift() ?? [],
    onRemoved: () => {
      throw new Error('the downstream server is closing');
    },
    log: (line) => lines.push(line),
  });
  expect(await refresher.refreshNow()).toBe(true);
  expect(await refresher.refreshNow()).toBe(true);
  expect(cache.lookup('child-1')).toBeUndefined();
  expect(lines.at(-1)).toBe('identity cache: disconnecting the identities that left the scope failed (the downstream server is closing); they are refused from their next connection');
  refresher.stop();
});
