// Keeps the modules' identities where the hub can find them: in the cloud (created for the
// deployment's modules, deleted for the ones it removed; module-identities.ts) and then in the
// hub's identity cache, refreshed from the cloud's device scope. A module starts only once the
// cache holds its identity: before that, the workload API could not sign for it (404) and the hub
// would refuse its CONNECT. Offline, the cache kept from earlier runs is used as it is.
import { ModuleBackendError, type AgentDeployment } from './agent-types.js';
import type { AgentHub } from './agent-hub.js';
import { syncModuleIdentities, type RegistryConnection } from './module-identities.js';

const CLOUD_QUIET_MS = 10_000;

export interface IdentityUpkeepOptions {
  hub: AgentHub;
  log: (line: string) => void;
}

export class IdentityUpkeep {
  private readonly hub: AgentHub;
  private readonly log: (line: string) => void;
  private lastProblem: string | undefined;
  /** When the cloud last failed to answer: it is not asked again before CLOUD_QUIET_MS, so modules whose identity is unknown fail fast offline. */
  private failedAtMs: number | undefined;
  /** Aborted by close(): a cloud call under way is no longer waited for, so the agent stops at once. */
  private readonly stopping = new AbortController();

  constructor(options: IdentityUpkeepOptions) {
    this.hub = options.hub;
    this.log = options.log;
  }

  /** Before a deployment is reconciled: its identities in the cloud (when it can be reached), then the cache refreshed. */
  async prepare(next: AgentDeployment, previous: AgentDeployment | undefined): Promise<void> {
    const wanted = next.modules.map((module) => module.name);
    const kept = new Set(wanted);
    const removed = (previous?.modules ?? []).map((module) => module.name).filter((name) => !kept.has(name));
    const sync = async (): Promise<void> => {
      const outcome = await this.syncCloud(wanted, removed);
      if (outcome === 'changed' || (outcome !== 'unreachable' && wanted.some((name) => !this.known(name)))) await this.refresh();
    };
    // With every identity in the cache already (a restart, offline or not), the modules need not wait for the cloud.
    if (wanted.every((name) => this.known(name))) void sync();
    else await sync();
  }

  /** Before a module is created: the generation id its identity has, or a ModuleBackendError (the reconciler retries later). */
  async generationOf(name: string): Promise<string> {
    const known = this.known(name);
    if (known) return known;
    const outcome = await this.syncCloud([name], []);
    let listed = false;
    if (outcome !== 'unreachable') {
      listed = await this.refresh();
      // A refresh under way may have started before the identity was made: a second one sees it.
      if (listed && !this.known(name)) listed = await this.refresh();
    }
    const found = this.known(name);
    if (found) return found;
    const why = this.hub.upstreamState === 'cut' ? 'the upstream is cut' : outcome === 'unreachable' || !listed ? 'the cloud cannot be reached' : 'the cloud did not list it';
    throw new ModuleBackendError(`the identity of module ${name} is not in the hub's identity cache yet (${why}), so it could not sign in; it is started once the hub has it`, 'module-identity-unknown');
  }

  /** Stops waiting for the cloud; what is under way is left to finish in the background. */
  close(): void {
    this.stopping.abort();
  }

  private known(name: string): string | undefined {
    const identity = { deviceId: this.hub.connection.deviceId, moduleId: name };
    return this.hub.identities.keyOf(identity) === undefined ? undefined : this.hub.identities.generationOf(identity);
  }

  /** What the cloud did; one that cannot be reached is logged once and skipped. */
  private async syncCloud(wanted: string[], removed: string[]): Promise<'changed' | 'unchanged' | 'unreachable'> {
    if (this.hub.upstreamState === 'cut' || this.stopping.signal.aborted) return 'unreachable';
    if (this.failedAtMs !== undefined && Date.now() - this.failedAtMs < CLOUD_QUIET_MS) return 'unreachable';
    if (wanted.length === 0 && removed.length === 0) return 'unchanged';
    try {
      const changes = await this.unlessStopped(syncModuleIdentities(this.registry(), { wanted, removed }), { created: [], deleted: [] });
      this.lastProblem = undefined;
      this.failedAtMs = undefined;
      if (changes.created.length > 0) this.log(`created the module identities of ${changes.created.join(', ')} in the cloud`);
      if (changes.deleted.length > 0) this.log(`deleted the module identities of ${changes.deleted.join(', ')} from the cloud`);
      return changes.created.length + changes.deleted.length > 0 ? 'changed' : 'unchanged';
    } catch (error) {
      this.failedAtMs = Date.now();
      const line = `module identities not updated in the cloud (the hub's cached ones are used): ${(error as Error).message}`;
      if (line !== this.lastProblem) this.log(line);
      this.lastProblem = line;
      return 'unreachable';
    }
  }

  /** Whether the hub read its scope from the cloud. */
  private async refresh(): Promise<boolean> {
    if (this.hub.upstreamState === 'cut') return false;
    return this.unlessStopped(this.hub.identities.refresh().catch(() => false), false);
  }

  private unlessStopped<T>(work: Promise<T>, fallback: T): Promise<T> {
    const signal = this.stopping.signal;
    if (signal.aborted) return Promise.resolve(fallback);
    let onAbort = (): void => undefined;
    const abandoned = new Promise<T>((resolve) => {
      onAbort = () => resolve(fallback);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    // What is abandoned may still fail later: that must not be an unhandled rejection.
    work.catch(() => undefined);
    return Promise.race([work, abandoned]).finally(() => signal.removeEventListener('abort', onAbort));
  }

  private registry(): RegistryConnection {
    const { hostName, deviceId, key, cloudHttpsPort, cloudCa } = this.hub.connection;
    return { hostName, deviceId, key, httpsPort: cloudHttpsPort, ...(cloudCa === undefined ? {} : { ca: cloudCa }) };
  }
}
