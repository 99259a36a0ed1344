// Keeps the identity cache fresh, as edgeHub's DeviceScopeIdentitiesCache does (docs/FACTS.md §4):
// on start, every hour, and when a client the cache does not know (or whose key no longer
// matches) tries to connect — at most once per 30 s for those, so a misconfigured client retrying
// in a loop cannot flood the cloud. On reconnect the hub's resync round (resync.ts) refreshes it as
// its last step, after messages and twins. A refresh that fails keeps the cache as it was and is
// tried again sooner (retryMs). stop() aborts a listing in flight, so a hub stopping while the
// cloud does not answer stops at once.
import type { CachedIdentity } from '../hub-types.js';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import type { IdentityCache } from './identity-cache.js';

export interface ScopeRefresherOptions {
  cache: IdentityCache;
  /** Reads the scope from the cloud; `signal` aborts when the refresher stops. */
  fetch: (signal: AbortSignal) => Promise<CachedIdentity[]>;
  /** Identities that left the scope, were disabled or recreated: the hub disconnects them. */
  onRemoved: (identities: ClientIdentity[]) => void;
  log: (line: string) => void;
  /** edgeHub's DeviceScopeCacheRefreshRateSecs default: one hour. */
  intervalMs?: number;
  /** After a failed refresh, the next try comes this soon (default 30 s). */
  retryMs?: number;
  /** Before the first sync ever succeeded, retries start this soon and double up to retryMs (default 1 s): nothing can connect until then. */
  firstSyncRetryMs?: number;
  /** At most one refresh per this period for unknown clients (default 30 s). */
  unknownThrottleMs?: number;
  clock?: () => number;
}

/** What one refresh found: the scope's size and how it changed, or why it could not be read. */
export type ScopeRefreshOutcome = { ok: true; identities: number; added: number; removed: number } | { ok: false; reason: string };

const HOUR_MS = 60 * 60 * 1000;
const THIRTY_SECONDS_MS = 30 * 1000;
const ONE_SECOND_MS = 1000;

export class ScopeRefresher {
  private running: Promise<ScopeRefreshOutcome> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastUnknownRefreshMs = Number.NEGATIVE_INFINITY;
  private failuresInARow = 0;
  private started = false;
  /** Aborted by stop(): the listing in flight, and any refresh after it. */
  private stopping = new AbortController();

  constructor(private readonly options: ScopeRefresherOptions) {}

  /** Refreshes now (or joins the refresh under way); false when the cloud could not be reached or refused (the cache is kept). */
  async refreshNow(): Promise<boolean> {
    return (await this.refreshWithOutcome()).ok;
  }

  /** refreshNow, saying what changed or why the scope could not be read. */
  refreshWithOutcome(): Promise<ScopeRefreshOutcome> {
    this.running ??= this.refresh().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** A client the cache could not authenticate: re-read the scope unless that was done in the last 30 s. */
  unknownIdentity(identity: ClientIdentity): void {
    const now = this.now();
    if (now - this.lastUnknownRefreshMs < (this.options.unknownThrottleMs ?? THIRTY_SECONDS_MS)) return;
    this.lastUnknownRefreshMs = now;
    this.options.log(`identity cache: ${identityKey(identity)} is not known or its key did not match; refreshing the device scope`);
    void this.refreshNow();
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    if (this.stopping.signal.aborted) this.stopping = new AbortController();
    void this.refreshNow();
  }

  /** Stops the timers, aborts a listing in flight, and waits for a cache write under way (the store closes next). */
  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.stopping.abort();
    await this.running;
  }

  private async refresh(): Promise<ScopeRefreshOutcome> {
    const signal = this.stopping.signal;
    const stopped: ScopeRefreshOutcome = { ok: false, reason: 'the hub is stopping' };
    if (signal.aborted) return stopped;
    let removed: ClientIdentity[];
    let outcome: ScopeRefreshOutcome;
    try {
      const scope = await this.options.fetch(signal);
      // A listing that ends after stop() is not written: the store is about to close.
      if (signal.aborted) return stopped;
      const before = new Set(this.options.cache.all().map(identityKey));
      ({ removed } = await this.options.cache.replace(scope));
      outcome = { ok: true, identities: scope.length, added: scope.filter((identity) => !before.has(identityKey(identity))).length, removed: removed.length };
      this.options.log(`identity cache: device scope refreshed, ${scope.length} identities${removed.length === 0 ? '' : `; ${removed.length} left or disabled: ${removed.map(identityKey).join(', ')}`}`);
    } catch (error) {
      if (signal.aborted) return stopped;
      this.options.log(`identity cache: device scope not refreshed, the cached one is kept${this.options.cache.synced ? '' : ' (none yet: child devices and modules cannot connect until a sync succeeds)'}: ${(error as Error).message}`);
      this.failuresInARow += 1;
      this.schedule(this.retryDelay());
      return { ok: false, reason: (error as Error).message };
    }
    this.failuresInARow = 0;
    this.schedule(this.options.intervalMs ?? HOUR_MS);
    if (removed.length > 0) {
      // Callers start refreshes with `void`: a throw here would be an unhandled rejection, which ends the process.
      try {
        this.options.onRemoved(removed);
      } catch (error) {
        this.options.log(`identity cache: disconnecting the identities that left the scope failed (${(error as Error).message}); they are refused from their next connection`);
      }
    }
    return outcome;
  }

  /** After a failure: retryMs once synced; before the first sync, a back-off from firstSyncRetryMs, as the hub's own link cannot connect without the scope's keys. */
  private retryDelay(): number {
    const retry = Math.min(this.options.retryMs ?? THIRTY_SECONDS_MS, this.options.intervalMs ?? HOUR_MS);
    if (this.options.cache.synced) return retry;
    const first = this.options.firstSyncRetryMs ?? ONE_SECOND_MS;
    return Math.min(retry, first * 2 ** Math.min(this.failuresInARow - 1, 16));
  }

  private schedule(delayMs: number): void {
    if (!this.started) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.refreshNow(), delayMs);
    // The hub's servers keep the process alive; this timer alone must not.
    this.timer.unref();
  }

  private now(): number {
    return (this.options.clock ?? Date.now)();
  }
}
