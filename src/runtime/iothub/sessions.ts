// Sessions by identity: which topics each identity subscribed to and which connection is its live
// one. IoT Hub keeps a clean=false session's subscriptions across reconnects (the device SDK does
// not subscribe again after renewing its token), allows one connection per identity (a new one
// drops the old), and shows the identity as Connected or Disconnected (docs/FACTS.md §5;
// docs/research/iothub-facts.md §7). The emulator and the edge hub each keep one registry.
import { identityKey, type ClientIdentity } from './client-identity.js';
import type { SubscriptionKind } from './topics.js';

/** What the registry needs of a connection: who it is, how to deliver to it, how to end it. */
export interface LiveConnection {
  readonly identity: ClientIdentity;
  /** Delivers at QoS 0, as IoT Hub sends twin answers, desired patches and method requests. */
  publish(topic: string, payload: string): void;
  close(): void;
}

export type ConnectionState = 'Connected' | 'Disconnected';

export interface SessionOptions {
  /** Told when an identity's live connection comes or goes (the emulator's registry shows it); awaited by closeAll. */
  onConnectionState?: (identity: ClientIdentity, state: ConnectionState) => Promise<void> | void;
}

interface Session<C> {
  subscriptions: Map<SubscriptionKind, number>;
  connection?: C;
  connectedAtMs?: number;
  clean: boolean;
  /** A device deleted and created again under the same id is a new identity with a new session. */
  generationId: string;
}

interface Waiter<C> {
  key: string;
  kind: SubscriptionKind;
  resolve(connection: C | undefined): void;
}

export class SessionRegistry<C extends LiveConnection = LiveConnection> {
  private readonly sessions = new Map<string, Session<C>>();
  /** Connection-state writes, chained per identity so a quick reconnect cannot be overtaken. */
  private readonly stateWrites = new Map<string, Promise<void>>();
  private readonly waiters = new Set<Waiter<C>>();

  constructor(private readonly options: SessionOptions = {}) {}

  /** Makes this the identity's live connection; says whether its earlier subscriptions were kept. */
  attach(connection: C, options: { clean: boolean; generationId: string }): { sessionPresent: boolean } {
    const { clean, generationId } = options;
    const key = identityKey(connection.identity);
    const existing = this.sessions.get(key);
    const sessionPresent = existing !== undefined && !clean && existing.generationId === generationId;
    const session: Session<C> = sessionPresent ? existing : { subscriptions: new Map(), clean, generationId };
    session.clean = clean;
    const older = existing?.connection;
    session.connection = connection;
    session.connectedAtMs = Date.now();
    this.sessions.set(key, session);
    older?.close();
    this.writeState(connection.identity, 'Connected');
    this.wakeWaiters(key);
    return { sessionPresent };
  }

  /** Called when a connection closes; only the live one marks its identity Disconnected. */
  detach(connection: C): void {
    const key = identityKey(connection.identity);
    const session = this.sessions.get(key);
    if (session?.connection !== connection) return;
    session.connection = undefined;
    session.connectedAtMs = undefined;
    if (session.clean) this.sessions.delete(key);
    this.writeState(connection.identity, 'Disconnected');
  }

  subscribe(connection: C, kind: SubscriptionKind, qos: number): void {
    const key = identityKey(connection.identity);
    const session = this.sessions.get(key);
    if (session?.connection !== connection) return;
    session.subscriptions.set(kind, qos);
    this.wakeWaiters(key);
  }

  unsubscribe(connection: C, kind: SubscriptionKind): void {
    const session = this.sessions.get(identityKey(connection.identity));
    if (session?.connection === connection) session.subscriptions.delete(kind);
  }

  /** The identity's live connection, when that connection's session subscribed to this kind. */
  subscriber(identity: ClientIdentity, kind: SubscriptionKind): C | undefined {
    const session = this.sessions.get(identityKey(identity));
    return session?.subscriptions.has(kind) ? session.connection : undefined;
  }

  /** Every live connection, with when it connected. */
  connections(): { connection: C; connectedAtMs: number }[] {
    const live: { connection: C; connectedAtMs: number }[] = [];
    for (const session of this.sessions.values()) {
      if (session.connection !== undefined) live.push({ connection: session.connection, connectedAtMs: session.connectedAtMs ?? 0 });
    }
    return live;
  }

  /** Closes the identity's connection and forgets its session: the identity is no longer allowed. */
  forget(identity: ClientIdentity): void {
    const key = identityKey(identity);
    const session = this.sessions.get(key);
    if (session === undefined) return;
    session.clean = true;
    session.connection?.close();
    this.sessions.delete(key);
  }

  /** The subscriber now, or the first one within `timeoutMs`, or undefined. */
  whenSubscribed(identity: ClientIdentity, kind: SubscriptionKind, timeoutMs: number): Promise<C | undefined> {
    const now = this.subscriber(identity, kind);
    if (now !== undefined || timeoutMs <= 0) return Promise.resolve(now);
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(undefined), timeoutMs);
      const waiter: Waiter<C> = { key: identityKey(identity), kind, resolve: (connection) => finish(connection) };
      const finish = (connection: C | undefined): void => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        resolve(connection);
      };
      this.waiters.add(waiter);
    });
  }

  /** Closes every connection and waits until their identities are marked Disconnected. */
  async closeAll(): Promise<void> {
    for (const waiter of [...this.waiters]) waiter.resolve(undefined);
    for (const session of [...this.sessions.values()]) session.connection?.close();
    while (this.stateWrites.size > 0) await Promise.all(this.stateWrites.values());
  }

  private wakeWaiters(key: string): void {
    for (const waiter of [...this.waiters]) {
      if (waiter.key !== key) continue;
      const session = this.sessions.get(key);
      if (session?.connection !== undefined && session.subscriptions.has(waiter.kind)) waiter.resolve(session.connection);
    }
  }

  private writeState(identity: ClientIdentity, state: ConnectionState): void {
    const listener = this.options.onConnectionState;
    if (listener === undefined) return;
    const key = identityKey(identity);
    const write = (this.stateWrites.get(key) ?? Promise.resolve())
      // The listener's failure (an identity deleted meanwhile) is no reason to stop serving.
      .then(() => listener(identity, state))
      .catch(() => undefined)
      .finally(() => {
        if (this.stateWrites.get(key) === write) this.stateWrites.delete(key);
      });
    this.stateWrites.set(key, write);
  }
}
