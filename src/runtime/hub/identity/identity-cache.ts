// The identities this edge hub may authenticate offline (docs/FACTS.md §4, "Identity cache"):
// the last device-scope listing from the cloud, persisted in the hub store before it takes effect,
// so authentication works across restarts while the cloud is unreachable.
import type { CachedIdentity } from '../hub-types.js';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { InputError } from '../../../errors.js';
import type { Records } from '../../store/records.js';
import { identityRecordKey, isIdentityRecordKey, readIdentityRecord, readScopeMeta, scopeMeta, SCOPE_META_KEY, writeIdentityRecord } from './identity-records.js';

export interface IdentityCacheOptions {
  /** 32 bytes that seal the identities' keys at rest (ensureIdentityCacheKey); without it they are kept in clear. */
  sealKey?: Buffer;
  /** The edge device's own key, from its connection string: keyOf answers it for the edge device even before the first sync. */
  edgeDeviceKey?: string;
  clock?: () => number;
}

export interface ScopeChange {
  /** Identities that could authenticate before and no longer can: gone, disabled, or recreated (a new generation). */
  removed: ClientIdentity[];
}

export class IdentityCache {
  /**
   * Problems met while loading, one line each, for the hub's log. A cache that belongs to another
   * edge device, or whose keys cannot be unsealed, loads as not synced: the next sync refills it.
   */
  readonly warnings: string[] = [];
  private identities = new Map<string, CachedIdentity>();
  private syncedAtMs: number | undefined;
  private replacing: Promise<unknown> = Promise.resolve();

  static open(records: Records<unknown>, edgeDeviceId: string, options: IdentityCacheOptions = {}): IdentityCache {
    if (options.sealKey !== undefined && options.sealKey.length !== 32) throw new InputError('the identity cache seal key must be 32 bytes', 'identity-key-damaged');
    const cache = new IdentityCache(records, edgeDeviceId, options);
    cache.load();
    return cache;
  }

  private constructor(
    private readonly records: Records<unknown>,
    readonly edgeDeviceId: string,
    private readonly options: IdentityCacheOptions,
  ) {}

  /** A scope sync has succeeded at least once for this edge device (persisted). */
  get synced(): boolean {
    return this.syncedAtMs !== undefined;
  }

  /** When the last sync succeeded (ms since the epoch). */
  get lastSyncedAtMs(): number | undefined {
    return this.syncedAtMs;
  }

  lookup(deviceId: string, moduleId?: string): CachedIdentity | undefined {
    return this.identities.get(identityKey({ deviceId, ...(moduleId === undefined ? {} : { moduleId }) }));
  }

  all(): CachedIdentity[] {
    return [...this.identities.values()];
  }

  /** Replaces the scope with a fresh listing; persisted before it takes effect. Calls run one at a time, in order. */
  replace(scope: readonly CachedIdentity[]): Promise<ScopeChange> {
    const next = this.replacing.then(() => this.replaceNow(scope));
    this.replacing = next.catch(() => undefined);
    return next;
  }

  /** The primary key of an identity, to sign its upstream SAS tokens; for the edge device, the key of its connection string. */
  keyOf(identity: ClientIdentity): string | undefined {
    if (identity.moduleId === undefined && identity.deviceId === this.edgeDeviceId && this.options.edgeDeviceKey) return this.options.edgeDeviceKey;
    return this.lookup(identity.deviceId, identity.moduleId)?.keys[0];
  }

  /** Whether this identity may authenticate now: enabled, and for a module, its device not disabled. */
  usable(identity: ClientIdentity): boolean {
    return usableIn(this.identities, identity);
  }

  private async replaceNow(scope: readonly CachedIdentity[]): Promise<ScopeChange> {
    const next = new Map<string, CachedIdentity>();
    for (const identity of scope) next.set(identityKey(identity), copyOf(identity));
    const syncedAtMs = (this.options.clock ?? Date.now)();
    const entries: [string, unknown][] = [[SCOPE_META_KEY, scopeMeta(this.edgeDeviceId, syncedAtMs)]];
    for (const identity of next.values()) entries.push([identityRecordKey(identity), writeIdentityRecord(identity, this.options.sealKey)]);
    await this.records.replaceAll(entries);
    const removed = removedBetween(this.identities, next);
    this.identities = next;
    this.syncedAtMs = syncedAtMs;
    this.warnings.length = 0;
    return { removed };
  }

  private load(): void {
    const meta = readScopeMeta(this.records.get(SCOPE_META_KEY));
    const entries = this.records.entries().filter(([key]) => isIdentityRecordKey(key));
    if (meta === undefined) {
      if (entries.length > 0) this.warnings.push('the identity cache has no readable sync record; it will be refilled at the next sync with the cloud');
      return;
    }
    if (meta.edgeDeviceId !== this.edgeDeviceId) {
      this.warnings.push(`the identity cache holds the scope of edge device ${meta.edgeDeviceId}, not ${this.edgeDeviceId}; it is not used, and the next sync with the cloud replaces it`);
      return;
    }
    const loaded = new Map<string, CachedIdentity>();
    const unreadable: string[] = [];
    for (const [key, value] of entries) {
      const identity = readIdentityRecord(key, value, this.options.sealKey);
      if (typeof identity === 'string') unreadable.push(`${key.slice(key.indexOf(':') + 1)} (${identity})`);
      else loaded.set(identityKey(identity), identity);
    }
    if (unreadable.length > 0) {
      // Half a scope would refuse some clients for no reason they could see: use none of it.
      this.warnings.push(`the identity cache cannot be read: ${unreadable.slice(0, 3).join(', ')}${unreadable.length > 3 ? ` and ${unreadable.length - 3} more` : ''}; was its key file replaced? It will be refilled at the next sync with the cloud`);
      return;
    }
    this.identities = loaded;
    this.syncedAtMs = meta.syncedAtMs;
  }
}

function copyOf(identity: CachedIdentity): CachedIdentity {
  return { ...identity, keys: identity.keys.filter((key) => key !== '') };
}

function usableIn(identities: ReadonlyMap<string, CachedIdentity>, identity: ClientIdentity): boolean {
  const own = identities.get(identityKey(identity));
  if (own === undefined || own.status !== 'enabled') return false;
  if (identity.moduleId === undefined) return true;
  return identities.get(identity.deviceId)?.status !== 'disabled';
}

/** Who could authenticate with the old scope and cannot with the new one, or is now another identity of the same name. */
function removedBetween(before: ReadonlyMap<string, CachedIdentity>, after: ReadonlyMap<string, CachedIdentity>): ClientIdentity[] {
  const removed: ClientIdentity[] = [];
  for (const [key, old] of before) {
    const identity: ClientIdentity = { deviceId: old.deviceId, ...(old.moduleId === undefined ? {} : { moduleId: old.moduleId }) };
    if (!usableIn(before, identity)) continue;
    const current = after.get(key);
    if (current === undefined || current.generationId !== old.generationId || !usableIn(after, identity)) removed.push(identity);
  }
  return removed;
}
