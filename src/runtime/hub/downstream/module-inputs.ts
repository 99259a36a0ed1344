// Module inputs delivered from the store: for each module of this edge device connected and
// subscribed to `devices/{d}/modules/{m}/inputs/#`, its `/modules/{m}/inputs/{i}` queues go out at
// QoS 1, highest priority first and in store order within a queue, a bounded number in flight. A
// queue entry leaves the store only once the module PUBACKed it; whatever was in flight when a
// connection closed is sent again on the next one (at least once, as edgeHub's ModuleEndpoint;
// docs/FACTS.md §3).
import type { ClientIdentity } from '../../iothub/client-identity.js';
import type { MessageStore, StoredEntry } from '../../store/message-store.js';
import type { HubCounters } from '../hub-types.js';

/** Messages sent to one module and not yet acknowledged, at most: enough to keep a link busy, few to resend. */
export const DEFAULT_INPUT_WINDOW = 64;

/** Sends one entry to the module on its input; resolves on the module's PUBACK. */
export type InputSender = (inputName: string, entry: StoredEntry) => Promise<void>;

export interface ModuleInputsOptions {
  store: Pick<MessageStore, 'endpoints' | 'priorities' | 'read' | 'acknowledge'>;
  counters: HubCounters;
  log(line: string): void;
  /** The edge device whose modules the input endpoints name. */
  edgeDeviceId: string;
  window?: number;
}

interface Receiver {
  send: InputSender;
  /** Last offset sent on this connection, per queue: reading resumes after it. */
  cursors: Map<string, number>;
  inFlight: number;
  scheduled: boolean;
}

export class ModuleInputs {
  /** By module id: the connection receiving its inputs now. */
  private readonly receivers = new Map<string, Receiver>();
  /** Entries the module acknowledged whose removal is not committed yet: not sent again meanwhile. */
  private readonly acknowledging = new Set<string>();
  private readonly pendingAcks = new Map<string, { endpoint: string; priority: number; offsets: number[] }>();
  private flushScheduled = false;
  private readonly flushes = new Set<Promise<void>>();
  private readonly window: number;

  constructor(private readonly options: ModuleInputsOptions) {
    this.window = options.window ?? DEFAULT_INPUT_WINDOW;
  }

  /** Whether this identity is a module whose inputs the hub's queues hold. */
  receives(identity: ClientIdentity): identity is ClientIdentity & { moduleId: string } {
    return identity.moduleId !== undefined && identity.deviceId === this.options.edgeDeviceId;
  }

  /** Starts delivering to this connection, from the oldest entry not acknowledged. */
  attach(identity: ClientIdentity, send: InputSender): void {
    if (!this.receives(identity) || this.receivers.get(identity.moduleId)?.send === send) return;
    const receiver: Receiver = { send, cursors: new Map(), inFlight: 0, scheduled: false };
    this.receivers.set(identity.moduleId, receiver);
    this.schedule(identity.moduleId, receiver);
  }

  /** Stops delivering to this connection (it closed or unsubscribed). */
  detach(identity: ClientIdentity, send: InputSender): void {
    if (identity.moduleId !== undefined && this.receivers.get(identity.moduleId)?.send === send) this.receivers.delete(identity.moduleId);
  }

  /** New entries were committed for these endpoints. */
  wake(endpoints: readonly string[]): void {
    for (const endpoint of endpoints) {
      const moduleId = moduleOfEndpoint(endpoint);
      const receiver = moduleId === undefined ? undefined : this.receivers.get(moduleId);
      if (receiver !== undefined) this.schedule(moduleId!, receiver);
    }
  }

  /** Stops every delivery and waits until the acknowledgements already received are committed. */
  async close(): Promise<void> {
    this.receivers.clear();
    this.flush();
    while (this.flushes.size > 0) await Promise.all(this.flushes);
  }

  private schedule(moduleId: string, receiver: Receiver): void {
    if (receiver.scheduled) return;
    receiver.scheduled = true;
    // One pump per turn, however many appends or acknowledgements woke it.
    setImmediate(() => {
      receiver.scheduled = false;
      if (this.receivers.get(moduleId) === receiver) this.pump(moduleId, receiver);
    });
  }

  private pump(moduleId: string, receiver: Receiver): void {
    let room = this.window - receiver.inFlight;
    const nowMs = Date.now();
    for (const { endpoint, priority } of this.queuesOf(moduleId)) {
      if (room <= 0) return;
      const key = queueKey(endpoint, priority);
      const inputName = endpoint.slice(inputsPrefix(moduleId).length);
      // Entries awaiting their removal are skipped, so the window may take a few more each round.
      for (const entry of this.options.store.read(endpoint, priority, receiver.cursors.get(key) ?? -1, room, nowMs)) {
        receiver.cursors.set(key, entry.offset);
        if (this.acknowledging.has(entryKey(entry))) continue;
        room--;
        receiver.inFlight++;
        this.deliver(moduleId, receiver, inputName, entry);
      }
    }
  }

  private deliver(moduleId: string, receiver: Receiver, inputName: string, entry: StoredEntry): void {
    receiver.send(inputName, entry).then(
      () => {
        receiver.inFlight--;
        this.acknowledge(entry);
        if (this.receivers.get(moduleId) === receiver) this.schedule(moduleId, receiver);
      },
      // The connection closed first: the entry stays and the next connection gets it.
      () => {
        receiver.inFlight--;
      },
    );
  }

  /** The module's input queues, highest priority first. */
  private queuesOf(moduleId: string): { endpoint: string; priority: number }[] {
    const prefix = inputsPrefix(moduleId);
    const queues = this.options.store
      .endpoints()
      .filter((endpoint) => endpoint.startsWith(prefix) && endpoint.length > prefix.length && !endpoint.slice(prefix.length).includes('/'))
      .flatMap((endpoint) => this.options.store.priorities(endpoint).map((priority) => ({ endpoint, priority })));
    return queues.sort((a, b) => a.priority - b.priority || (a.endpoint < b.endpoint ? -1 : a.endpoint > b.endpoint ? 1 : 0));
  }

  /** Acknowledgements are committed in groups: one store transaction for many PUBACKs. */
  private acknowledge(entry: StoredEntry): void {
    this.acknowledging.add(entryKey(entry));
    const key = queueKey(entry.endpoint, entry.priority);
    const pending = this.pendingAcks.get(key) ?? { endpoint: entry.endpoint, priority: entry.priority, offsets: [] };
    pending.offsets.push(entry.offset);
    this.pendingAcks.set(key, pending);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.flushScheduled = false;
    for (const { endpoint, priority, offsets } of this.pendingAcks.values()) {
      const flush = this.options.store
        .acknowledge(endpoint, priority, offsets)
        .then(
          () => {
            this.options.counters.delivered += offsets.length;
          },
          // Not removed, so read and delivered again: at least once.
          (error: unknown) => {
            this.options.log(`could not mark ${offsets.length} message(s) of ${endpoint} delivered; they will be sent again: ${(error as Error).message}`);
            for (const receiver of this.receivers.values()) receiver.cursors.delete(queueKey(endpoint, priority));
          },
        )
        .finally(() => {
          for (const offset of offsets) this.acknowledging.delete(entryKey({ endpoint, priority, offset }));
          this.flushes.delete(flush);
          // A pump that skipped these entries may have left room unused.
          this.wake([endpoint]);
        });
      this.flushes.add(flush);
    }
    this.pendingAcks.clear();
  }
}

function inputsPrefix(moduleId: string): string {
  return `/modules/${moduleId}/inputs/`;
}

/** The module an input endpoint `/modules/{m}/inputs/{i}` names. */
function moduleOfEndpoint(endpoint: string): string | undefined {
  return /^\/modules\/([^/]+)\/inputs\/[^/]+$/.exec(endpoint)?.[1];
}

function queueKey(endpoint: string, priority: number): string {
  return `${priority}\u0000${endpoint}`;
}

function entryKey(entry: { endpoint: string; priority: number; offset: number }): string {
  return `${queueKey(entry.endpoint, entry.priority)}\u0000${entry.offset}`;
}
