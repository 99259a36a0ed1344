// Twins for the clients of the edge hub, online and offline, as edgeHub's StoringTwinManager
// (docs/FACTS.md §4 "Twins"; Azure/iotedge StoringTwinManager.cs, TwinStore.cs):
// - a reported patch is accepted at once, merged into the stored twin and into the identity's
//   pending patches (durable, nulls kept), sent when connected and dropped only when the cloud
//   accepted it;
// - a twin read asks the cloud first and falls back to the stored copy;
// - a desired patch applies only on top of the stored `$version` - 1; after a gap, or when the
//   link comes back, the hub reads the whole twin and pushes the difference to the client.
// With `autoSync`, the service's own syncing (on reconnect, after a patch, on its retry timer)
// waits while it says no: the hub's resync round (resync.ts) calls sendPendingReported and
// reconcileDesired itself, in its order, and hands the syncing back once the round is done. The
// round's work ends where it is when the round does (its signal), sends only what was pending when
// its step began (a client reporting faster than the cloud answers cannot hold the step), and
// rides out a token renewal of the hub's connection, which is no reconnect.
import { EdgewiseError } from '../../../errors.js';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import type { TwinDocument } from '../hub-types.js';
import { applyPatch, diffProperties, isPlainObject, mergePatches, patchContent, type Json } from './twin-patches.js';
import type { Records } from '../../store/records.js';
import { reportedPatchProblem } from './twin-reported-check.js';
import { emptyTwin, isProperties, storedTwinOf, type Properties, type StoredTwin } from './twin-records.js';
import { IdentityRefusedError } from './upstream-errors.js';
import type { UpstreamLink } from './upstream-link.js';

export interface TwinService {
  /** Cloud first when connected, else the stored copy (kept durably in HubStore.twins). */
  get(identity: ClientIdentity): Promise<TwinDocument>;
  /**
   * Accepted at once, merged into the stored reported properties and the pending patch of that
   * identity (durable, deletions kept as nulls); sent to the cloud when connected (now, or on
   * reconnect) and cleared only when the cloud accepted it. Returns the new local reported $version.
   */
  patchReported(identity: ClientIdentity, patch: Record<string, unknown>): Promise<number>;
  /** Desired patches for a connected client (from the cloud, with $version). */
  onDesired(identity: ClientIdentity, listener: (patch: Record<string, unknown>, version: number) => void): () => void;
  /**
   * Sends the reported patches pending now, each identity's oldest first (later ones are left to
   * the service's own syncing); resolves with how many the cloud accepted. An identity the cloud
   * refuses (disabled or removed) keeps its patches and is no failure: the device-scope read
   * settles it. Rejects when the link fails, or with the signal's reason once it aborts (checked
   * before each patch).
   */
  sendPendingReported(work?: ResyncWork): Promise<number>;
  /**
   * For each client subscribed to desired changes: reads its cloud twin and pushes the difference;
   * resolves with how many clients got a patch. A client the cloud refuses is skipped. Rejects when
   * a twin cannot be read, or with the signal's reason once it aborts (checked before each read).
   */
  reconcileDesired(work?: ResyncWork): Promise<number>;
  /** Pending reported patches across all identities, and how many identities have some. */
  pendingReported(): { patches: number; identities: number };
  close(): Promise<void>;
}

/** Work the resync round asks for: it ends when the round does, and rides out a token renewal of the hub's connection. */
export interface ResyncWork {
  signal?: AbortSignal;
}

export interface TwinServiceOptions {
  link: UpstreamLink;
  /** HubStore.twins. */
  records: Records<unknown>;
  log?: (line: string) => void;
  /** How often pending patches and missed desired changes are retried while connected; edgeHub syncs reported properties every 5 s. */
  retryIntervalMs?: number;
  /** How long one twin request to the cloud may take before it counts as failed. */
  requestTimeoutMs?: number;
  /** When given, the service syncs on its own (reconnect, new patch, retries) only while this returns true; default: always. */
  autoSync?: () => boolean;
}

/** A twin request the hub refuses; `status` is what the client's twin response carries. */
export class TwinRequestError extends EdgewiseError {
  override name = 'TwinRequestError';
  readonly code = 'twin-request';

  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type DesiredListener = (patch: Record<string, unknown>, version: number) => void;

interface Entry {
  twin: StoredTwin;
  /** The first pending patch is on its way to the cloud: newer patches must not merge into it. */
  sendingFirst: boolean;
  /** Pending patches settled (accepted or refused for good) since the service started: where a send stops. */
  settledPatches: number;
  /** The sending under way, which a new one waits for: one identity's patches never go up side by side. Never rejects. */
  sending?: Promise<void>;
  /** A desired change may have been missed (a failed read after a gap or a reconnect): read again. */
  desiredStale: boolean;
  /** Desired changes of one identity are handled one after the other, in arrival order. */
  desiredQueue: Promise<void>;
  /** The last failure logged, so a retry every few seconds does not repeat it. */
  lastProblem?: string;
}

/** One sending of an identity's pending patches. */
interface SendRun {
  /** It ends once settledPatches reaches this. */
  through: number;
  /** Asked before each patch: no ends the sending there. */
  goOn(): boolean;
  /** The resync's sending (see ResyncWork). */
  signal?: AbortSignal;
}

interface Subscription {
  identity: ClientIdentity;
  listeners: Set<DesiredListener>;
  stop: () => void;
}

const DEFAULT_RETRY_MS = 5000;
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

export function createTwinService(options: TwinServiceOptions): TwinService {
  return new StoringTwinService(options);
}

class StoringTwinService implements TwinService {
  private readonly link: UpstreamLink;
  private readonly records: Records<unknown>;
  private readonly log: (line: string) => void;
  private readonly requestTimeoutMs: number;
  private readonly autoSync: () => boolean;
  private readonly entries = new Map<string, Entry>();
  private readonly subscriptions = new Map<string, Subscription>();
  /** Store writes not yet committed: close() waits for them (never for the cloud). */
  private readonly writes = new Set<Promise<void>>();
  private readonly stopStateWatch: () => void;
  private readonly retryTimer: NodeJS.Timeout;
  private closed = false;

  constructor(options: TwinServiceOptions) {
    this.link = options.link;
    this.records = options.records;
    this.log = options.log ?? (() => undefined);
    this.requestTimeoutMs = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.autoSync = options.autoSync ?? (() => true);
    this.load();
    this.stopStateWatch = this.link.onStateChange((state) => {
      if (state === 'connected' && this.autoSync()) this.syncAll();
    });
    this.retryTimer = setInterval(() => this.retry(), options.retryIntervalMs ?? DEFAULT_RETRY_MS);
    this.retryTimer.unref();
    if (this.link.state === 'connected') queueMicrotask(() => this.autoSync() && this.syncAll());
  }

  async get(identity: ClientIdentity): Promise<TwinDocument> {
    const key = identityKey(identity);
    if (this.link.state === 'connected' && !this.closed) {
      try {
        const cloud = await this.fetchCloudTwin(identity);
        await this.queueDesired(key, identity, () => this.storeCloudTwin(key, identity, cloud, 'keep-newer'));
      } catch (error) {
        this.log(`twin of ${key}: the cloud did not answer (${messageOf(error)}); answering from the stored copy`);
      }
    }
    const twin = this.entries.get(key)?.twin;
    return {
      desired: structuredClone(twin?.desired ?? { $version: 0 }),
      reported: structuredClone(twin?.reported ?? { $version: 0 }),
    };
  }

  async patchReported(identity: ClientIdentity, patch: Record<string, unknown>): Promise<number> {
    if (!isPlainObject(patch)) throw new TwinRequestError(400, 'the reported properties patch must be a JSON object');
    if (this.closed) throw new TwinRequestError(503, 'the hub is stopping; send the patch again after it restarts');
    const content = structuredClone(patchContent(patch));
    const problem = reportedPatchProblem(content);
    if (problem !== undefined) throw new TwinRequestError(400, problem);
    const key = identityKey(identity);
    const entry = this.entry(key, identity);
    const reported = entry.twin.reported;
    entry.twin.reported = { ...applyPatch(reported, content), $version: reported.$version + 1 };
    addPending(entry, content);
    await this.persist(key, entry);
    if (this.link.state === 'connected' && this.autoSync()) void this.flush(key);
    return entry.twin.reported.$version;
  }

  onDesired(identity: ClientIdentity, listener: DesiredListener): () => void {
    const key = identityKey(identity);
    let subscription = this.subscriptions.get(key);
    if (!subscription) {
      const created: Subscription = { identity, listeners: new Set(), stop: () => undefined };
      created.stop = this.link.onDesiredPatch(identity, (patch, version) => {
        void this.queueDesired(key, identity, () => this.cloudDesired(key, identity, patch, version)).catch((error: unknown) => this.log(`desired properties of ${key}: ${messageOf(error)}`));
      });
      this.subscriptions.set(key, created);
      subscription = created;
    }
    const current = subscription;
    current.listeners.add(listener);
    return () => {
      current.listeners.delete(listener);
      if (current.listeners.size === 0 && this.subscriptions.get(key) === current) {
        this.subscriptions.delete(key);
        current.stop();
      }
    };
  }

  async sendPendingReported(work: ResyncWork = {}): Promise<number> {
    const { signal } = work;
    signal?.throwIfAborted();
    const goOn = () => signal?.aborted !== true;
    // What is pending now, no more: the patches of a client that keeps reporting would never run out.
    const runs = [...this.entries].filter(([, entry]) => entry.twin.pending.length > 0).map(([key, entry]) => ({ key, run: { through: entry.settledPatches + entry.twin.pending.length, goOn, signal } }));
    // Identities go up side by side; within one, oldest first (sendPending).
    const outcomes = await Promise.allSettled(runs.map(({ key, run }) => this.sendPending(key, run)));
    signal?.throwIfAborted();
    const accepted = outcomes.reduce((sum, outcome) => sum + (outcome.status === 'fulfilled' ? outcome.value : 0), 0);
    // Disabled or removed in the cloud during the outage: the scope step disconnects it; its patches stay pending.
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected' && !(outcome.reason instanceof IdentityRefusedError));
    if (failures.length > 0) throw new Error(`${failures.length} of ${runs.length} identities still have reported properties pending (${accepted} patches accepted): ${messageOf(failures[0]!.reason)}`);
    return accepted;
  }

  async reconcileDesired(work: ResyncWork = {}): Promise<number> {
    const { signal } = work;
    signal?.throwIfAborted();
    const subscriptions = [...this.subscriptions];
    const outcomes = await Promise.allSettled(
      subscriptions.map(([key, { identity }]) =>
        this.queueDesired(key, identity, async () => {
          try {
            // Queued behind other desired work of this client: the round may have ended meanwhile.
            signal?.throwIfAborted();
            return await this.acrossRenewal(() => this.resyncDesired(key, identity), signal);
          } catch (error) {
            // Disabled or removed in the cloud during the outage: the scope step disconnects it; nothing to reconcile.
            if (error instanceof IdentityRefusedError) {
              this.log(`desired properties of ${key}: not reconciled, the cloud refuses this identity (disabled or removed); the device-scope read decides`);
              return false;
            }
            // Read again by the retry timer once syncing is the service's own again.
            this.entry(key, identity).desiredStale = true;
            throw new Error(`${key}: ${messageOf(error)}`);
          }
        }),
      ),
    );
    signal?.throwIfAborted();
    const patched = outcomes.filter((outcome) => outcome.status === 'fulfilled' && outcome.value).length;
    const failures = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
    if (failures.length > 0) throw new Error(`the twins of ${failures.length} of ${subscriptions.length} clients could not be read (${patched} got a patch): ${messageOf(failures[0]!.reason)}`);
    return patched;
  }

  pendingReported(): { patches: number; identities: number } {
    let patches = 0;
    let identities = 0;
    for (const entry of this.entries.values()) {
      patches += entry.twin.pending.length;
      if (entry.twin.pending.length > 0) identities += 1;
    }
    return { patches, identities };
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.retryTimer);
    this.stopStateWatch();
    for (const subscription of this.subscriptions.values()) subscription.stop();
    this.subscriptions.clear();
    await Promise.allSettled([...this.writes]);
  }

  /** The stored twins, read once at start: pending patches survive a restart. */
  private load(): void {
    for (const [key, value] of this.records.entries()) {
      const twin = storedTwinOf(value);
      if (twin) this.entries.set(key, newEntry(twin));
      else this.log(`twin store: the record ${JSON.stringify(key)} is not a twin; ignored`);
    }
  }

  private entry(key: string, identity: ClientIdentity): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      entry = newEntry(emptyTwin(identity));
      this.entries.set(key, entry);
    }
    return entry;
  }

  private async persist(key: string, entry: Entry): Promise<void> {
    const write = this.records.put(key, structuredClone(entry.twin));
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
  }

  /** The link is up again: pending patches go up, and each connected client gets what it missed. */
  private syncAll(): void {
    if (this.closed) return;
    for (const [key, entry] of this.entries) if (entry.twin.pending.length > 0) void this.flush(key);
    for (const [key, subscription] of this.subscriptions) this.resyncLater(key, subscription.identity);
  }

  private retry(): void {
    if (this.closed || this.link.state !== 'connected' || !this.autoSync()) return;
    for (const [key, entry] of this.entries) {
      if (entry.twin.pending.length > 0 && entry.sending === undefined) void this.flush(key);
      const subscription = this.subscriptions.get(key);
      if (entry.desiredStale && subscription) this.resyncLater(key, subscription.identity);
    }
  }

  /**
   * The service's own sending: until none is left, while autoSync says yes; a failure is logged
   * once and left to the retry timer. A sending under way takes the new patches along (its own) or
   * ends soon (the round's), and the retry timer comes back.
   */
  private async flush(key: string): Promise<void> {
    if (this.entries.get(key)?.sending !== undefined) return;
    await this.sendPending(key, { through: Infinity, goOn: () => this.autoSync() }).catch(() => undefined);
  }

  /** Sends pending patches of one identity, oldest first, once the sending under way has ended. */
  private sendPending(key: string, run: SendRun): Promise<number> {
    const entry = this.entries.get(key);
    if (!entry) return Promise.resolve(0);
    const sent = (entry.sending ?? Promise.resolve()).then(() => this.drain(key, entry, run));
    const sending = sent.then(
      () => undefined,
      () => undefined,
    );
    entry.sending = sending;
    void sending.then(() => {
      if (entry.sending === sending) entry.sending = undefined;
    });
    return sent;
  }

  /** Resolves with how many patches the cloud accepted; rejects (after logging) when the link fails or the cloud cannot take them now. */
  private async drain(key: string, entry: Entry, run: SendRun): Promise<number> {
    const identity: ClientIdentity = entry.twin.moduleId === undefined ? { deviceId: entry.twin.deviceId } : { deviceId: entry.twin.deviceId, moduleId: entry.twin.moduleId };
    let accepted = 0;
    try {
      while (!this.closed && entry.twin.pending.length > 0 && entry.settledPatches < run.through && run.goOn()) {
        entry.sendingFirst = true;
        const patch = entry.twin.pending[0]!;
        const response = await this.acrossRenewal(() => {
          if (this.link.state !== 'connected') throw new Error(`the upstream is ${this.link.state}`);
          return this.request(this.link.twinRequest(identity, { kind: 'patch-reported', patch }));
        }, run.signal);
        if (isSuccess(response.status)) {
          accepted += 1;
          entry.twin.pending.shift();
          entry.settledPatches += 1;
          if (typeof response.version === 'number') {
            // In step with the cloud once nothing is pending; never backwards while patches still wait.
            const local = entry.twin.reported.$version;
            entry.twin.reported.$version = entry.twin.pending.length === 0 ? response.version : Math.max(local, response.version);
          }
        } else if (isRefusal(response.status)) {
          // The cloud will never take this patch (malformed, over the size limit): waiting for it would block the ones after it.
          entry.twin.pending.shift();
          entry.settledPatches += 1;
          this.log(`reported properties of ${key}: the cloud refused a patch with status ${response.status} (${describeBody(response.body)}); it is dropped`);
        } else {
          throw new Error(`the cloud answered ${response.status}`);
        }
        entry.sendingFirst = false;
        entry.lastProblem = undefined;
        await this.persist(key, entry);
      }
    } catch (error) {
      if (error instanceof IdentityRefusedError) this.problem(entry, `reported properties of ${key} stay pending: the cloud refuses this identity (disabled or removed; the device-scope read decides)`);
      else if (!run.signal?.aborted) this.problem(entry, `reported properties of ${key} stay pending (${messageOf(error)}); they are sent again when the link is up`);
      throw error;
    } finally {
      entry.sendingFirst = false;
    }
    return accepted;
  }

  /**
   * The resync's work (with a signal) rides out a token renewal of the hub's connection, which
   * goes connecting and then connected again: it waits for it, and a request the renewal cut off
   * goes again. Anything else that fails it fails the work, as does the signal.
   */
  private async acrossRenewal<T>(work: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    if (signal === undefined) return work();
    for (;;) {
      while (this.reconnecting()) await this.nextLinkState(signal);
      signal.throwIfAborted();
      try {
        return await work();
      } catch (error) {
        if (signal.aborted || this.closed || !this.reconnecting()) throw error;
      }
    }
  }

  /** While a round runs, a reconnect is planned (a token renewal): a lost connection goes disconnected first, which ends the round (upstream-connection.ts). */
  private reconnecting(): boolean {
    return this.link.state === 'connecting';
  }

  private nextLinkState(signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const done = () => {
        stopWatch();
        signal.removeEventListener('abort', onAbort);
      };
      const stopWatch = this.link.onStateChange(() => {
        done();
        resolve();
      });
      const onAbort = () => {
        done();
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (signal.aborted) onAbort();
    });
  }

  private resyncLater(key: string, identity: ClientIdentity): void {
    void this.queueDesired(key, identity, async () => {
      const entry = this.entry(key, identity);
      try {
        await this.resyncDesired(key, identity);
      } catch (error) {
        entry.desiredStale = true;
        this.problem(entry, `desired properties of ${key}: the twin could not be read (${messageOf(error)}); trying again`);
      }
    });
  }

  /** One desired patch from the cloud, applied in order or, after a gap, replaced by a full read. */
  private async cloudDesired(key: string, identity: ClientIdentity, patch: Record<string, unknown>, version: number): Promise<void> {
    const entry = this.entry(key, identity);
    const stored = entry.twin.desired;
    const content = patchContent(patch);
    if (!stored) {
      // Nothing to apply it to: forwarded as it came, as edgeHub does when it holds no twin.
      this.emit(key, content, version);
      return;
    }
    if (version === stored.$version + 1) {
      entry.twin.desired = { ...applyPatch(stored, content), $version: version };
      await this.persist(key, entry);
      this.emit(key, content, version);
      return;
    }
    if (version <= stored.$version) return;
    try {
      await this.resyncDesired(key, identity);
    } catch (error) {
      entry.desiredStale = true;
      this.problem(entry, `desired properties of ${key}: version ${version} follows ${stored.$version} and the twin could not be read (${messageOf(error)}); trying again`);
    }
  }

  /** Reads the whole twin and pushes to the client what changed in its desired properties; says whether there was a change to push. */
  private async resyncDesired(key: string, identity: ClientIdentity): Promise<boolean> {
    const cloud = await this.fetchCloudTwin(identity);
    const entry = this.entry(key, identity);
    const before = entry.twin.desired ?? { $version: 0 };
    await this.storeCloudTwin(key, identity, cloud, 'replace');
    entry.desiredStale = false;
    entry.lastProblem = undefined;
    const difference = diffProperties(before, cloud.desired);
    if (Object.keys(difference).length === 0) return false;
    this.emit(key, difference, cloud.desired.$version);
    return true;
  }

  /**
   * Keeps the cloud's twin, with the pending patches applied over its reported properties.
   * 'keep-newer' (a client's read) never moves desired backwards past a patch handled meanwhile;
   * 'replace' (a resync) takes the cloud's word, as edgeHub does (a recreated identity starts over).
   */
  private async storeCloudTwin(key: string, identity: ClientIdentity, cloud: { desired: Properties; reported: Properties }, mode: 'keep-newer' | 'replace'): Promise<void> {
    const entry = this.entry(key, identity);
    const twin = entry.twin;
    if (mode === 'replace' || !twin.desired || cloud.desired.$version >= twin.desired.$version) twin.desired = cloud.desired;
    let reported: Json = cloud.reported;
    for (const patch of twin.pending) reported = applyPatch(reported, patch);
    const version = twin.pending.length === 0 ? cloud.reported.$version : Math.max(twin.reported.$version, cloud.reported.$version);
    twin.reported = { ...reported, $version: version };
    await this.persist(key, entry);
  }

  private async fetchCloudTwin(identity: ClientIdentity): Promise<{ desired: Properties; reported: Properties }> {
    const response = await this.request(this.link.twinRequest(identity, { kind: 'get' }));
    if (response.status !== 200) throw new Error(`the cloud answered ${response.status}`);
    const body = jsonOf(response.body);
    if (!isPlainObject(body) || !isProperties(body.desired) || !isProperties(body.reported)) throw new Error('the cloud answered a twin without desired and reported properties');
    return { desired: withoutMetadata(body.desired), reported: withoutMetadata(body.reported) };
  }

  private problem(entry: Entry, line: string): void {
    if (this.closed || entry.lastProblem === line) return;
    entry.lastProblem = line;
    this.log(line);
  }

  private emit(key: string, content: Json, version: number): void {
    const subscription = this.subscriptions.get(key);
    if (!subscription) return;
    for (const listener of [...subscription.listeners]) {
      try {
        // The patch carries its $version, as IoT Hub's desired-properties notification does.
        listener({ ...structuredClone(content), $version: version }, version);
      } catch (error) {
        this.log(`desired properties of ${key}: a listener failed (${messageOf(error)})`);
      }
    }
  }

  private queueDesired<T>(key: string, identity: ClientIdentity, task: () => Promise<T>): Promise<T> {
    const entry = this.entry(key, identity);
    const next = entry.desiredQueue.then(task);
    entry.desiredQueue = next.then(
      () => undefined,
      () => undefined,
    );
    return next;
  }

  private request<T>(promise: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${this.requestTimeoutMs} ms`)), this.requestTimeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
  }
}

function newEntry(twin: StoredTwin): Entry {
  return { twin, sendingFirst: false, settledPatches: 0, desiredStale: false, desiredQueue: Promise.resolve() };
}

/** Merges the patch into the newest pending one when that keeps the same effect and it is not being sent. */
function addPending(entry: Entry, content: Json): void {
  const pending = entry.twin.pending;
  const last = pending.length - 1;
  const sealed = entry.sendingFirst && last === 0;
  if (last >= 0 && !sealed) {
    const merged = mergePatches(pending[last]!, content);
    if (merged) {
      pending[last] = merged;
      return;
    }
  }
  pending.push(content);
}

function isSuccess(status: number): boolean {
  return status >= 200 && status < 300;
}

/** Statuses that say the patch itself is wrong; throttling and authorization may pass, so they are retried. */
function isRefusal(status: number): boolean {
  return status >= 400 && status < 500 && status !== 401 && status !== 403 && status !== 408 && status !== 429;
}

function jsonOf(body: unknown): unknown {
  if (Buffer.isBuffer(body)) return parseJson(body.toString('utf8'));
  if (typeof body === 'string') return parseJson(body);
  return body;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The service side's `$metadata` never reaches a device (IoT Hub's MQTT GET example). */
function withoutMetadata(properties: Properties): Properties {
  return strip(properties) as Properties;
}

function strip(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(strip);
  if (!isPlainObject(value)) return value;
  return Object.fromEntries(Object.entries(value).filter(([key]) => key !== '$metadata').map(([key, member]) => [key, strip(member)]));
}

function describeBody(body: unknown): string {
  const json = jsonOf(body);
  if (isPlainObject(json) && typeof json.message === 'string') return json.message;
  return 'no reason given';
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
