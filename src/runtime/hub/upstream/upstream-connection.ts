// One identity's MQTT connection to the cloud, kept up by us rather than by MQTT.js: each attempt
// is a fresh client with MQTT.js's own reconnect off, so the state we report is the state of the
// socket (disconnected → connecting → connected), a cut really closes it, and nothing MQTT.js
// queued offline is resent behind our back (the pump decides what to resend, from the store).
// The SAS token is renewed by reconnecting before it expires, as the device SDK does (IoT Hub
// severs a connection whose token expired; docs/FACTS.md §5). Such a planned reconnect (and a
// recycle) goes connected → connecting → connected, publishes waiting meanwhile; a lost connection
// always goes disconnected first: the resync round (resync.ts) tells the two apart by that.
import { connect, type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';
import mqttPacket from 'mqtt-packet';
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { Backoff, type BackoffRange } from './backoff.js';
import { connectUsername, identityToken, type UpstreamEndpoint } from './upstream-endpoint.js';
import { IdentityRefusedError, UpstreamUnavailableError } from './upstream-errors.js';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface InboundPublish {
  topic: string;
  payload: Buffer;
  qos: number;
}

export interface ConnectionTimings {
  keepaliveSeconds: number;
  connectTimeoutMs: number;
  /** Lifetime of each SAS token; the connection renews at three quarters of it (the SDK: 3600 s, renewed 900 s before). */
  tokenSeconds: number;
  /** How long a renewal waits for publishes in flight before it closes the old connection anyway. */
  renewalDrainMs: number;
}

export interface UpstreamConnectionOptions {
  identity: ClientIdentity;
  endpoint: UpstreamEndpoint;
  /** The identity's key now; undefined while none is known (the attempt fails and is retried). */
  key(): string | undefined;
  backoff: BackoffRange;
  timings: ConnectionTimings;
  /** Filters a kept session may still hold; each connect unsubscribes the ones no longer wanted. */
  knownFilters: readonly string[];
  filterQos(filter: string): 0 | 1;
  /** A PUBLISH from the cloud. For QoS 1 the PUBACK goes once it resolves, and none when it rejects. */
  onPublish(message: InboundPublish): Promise<void> | void;
  onStateChange(state: ConnectionState): void;
  log(line: string): void;
  random?: () => number;
}

/** One try at a connection: events of an earlier one are recognized as stale and ignored. */
interface Attempt {
  client: MqttClient;
  /** PUBACKs we send ourselves go in the order their PUBLISHes came (MQTT 3.1.1 §4.6). */
  acknowledgements: Promise<void>;
}

interface QueuedPublish {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  resolve(): void;
  reject(error: Error): void;
}

export class UpstreamConnection {
  private stateValue: ConnectionState = 'disconnected';
  private current: Attempt | undefined;
  private wanted = false;
  private suspended = false;
  private closed = false;
  private renewing = false;
  private retryTimer: NodeJS.Timeout | undefined;
  private renewTimer: NodeJS.Timeout | undefined;
  private lastError: string | undefined;
  /** The last attempt ended with the cloud refusing this identity (CONNACK 4 or 5). */
  private identityRefused = false;
  private readonly backoff: Backoff;
  private readonly filters = new Set<string>();
  private readonly subscribed = new Set<string>();
  /** Publishes waiting for the connection, in call order. */
  private queue: QueuedPublish[] = [];
  /** Publishes written and not yet acknowledged: each settles once, by PUBACK or by the close. */
  private readonly inFlight = new Set<(error: Error) => void>();
  private readyWaiters: { resolve(): void; reject(error: Error): void }[] = [];
  private readonly clientId: string;

  constructor(private readonly options: UpstreamConnectionOptions) {
    this.backoff = new Backoff(options.backoff, options.random);
    this.clientId = identityKey(options.identity);
  }

  get state(): ConnectionState {
    return this.stateValue;
  }

  get identity(): ClientIdentity {
    return this.options.identity;
  }

  /** Why the last attempt or connection failed, for log lines and errors. */
  get failure(): string | undefined {
    return this.lastError;
  }

  /** Wants the connection up: connects now unless it is cut, already trying, or waiting to retry. */
  open(): void {
    if (this.closed) return;
    this.wanted = true;
    if (!this.suspended && this.stateValue === 'disconnected' && this.retryTimer === undefined) this.connectNow();
  }

  /** Tries now instead of waiting out the backoff: the network is back (the hub's own connection came up). */
  retryNow(): void {
    if (!this.wanted || this.closed || this.suspended || this.stateValue !== 'disconnected') return;
    this.clearRetry();
    this.backoff.reset();
    this.connectNow();
  }

  /** Nothing needs it any more: closes it and stops retrying (open() starts again); resolves once its socket is closed. */
  release(): Promise<void> {
    this.wanted = false;
    this.clearRetry();
    return this.drop('it is no longer needed', true);
  }

  /** A cut: closes it and refuses to reconnect until resume(). */
  suspend(): void {
    this.suspended = true;
    this.clearRetry();
    void this.drop('the upstream is cut', false);
  }

  resume(): void {
    if (!this.suspended) return;
    this.suspended = false;
    this.backoff.reset();
    if (this.wanted && !this.closed && this.stateValue === 'disconnected') this.connectNow();
  }

  /** Reconnects at once (the cloud resends what this session left unacknowledged). */
  recycle(): void {
    if (this.stateValue !== 'connected' || this.current === undefined) return;
    this.renewing = true;
    this.setState('connecting');
    this.current.client.end(false);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wanted = false;
    this.clearRetry();
    await this.drop('the upstream link is closed', true);
  }

  /** Resolves once connected (waiting while an attempt is under way); rejects when cut, closed, or between attempts. */
  ready(): Promise<void> {
    if (this.closed) return Promise.reject(this.unavailable('the upstream link is closed'));
    if (this.suspended) return Promise.reject(this.unavailable('the upstream is cut'));
    if (this.stateValue === 'connected') return Promise.resolve();
    if (!this.wanted) this.open();
    if (this.stateValue === 'connecting') return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
    return Promise.reject(this.unavailable(`not connected${this.lastError ? ` (${this.lastError})` : ''}`));
  }

  /**
   * Publishes in call order: at once when connected, after the connection when an attempt is under
   * way. QoS 1 resolves on the cloud's PUBACK; every publish rejects if the connection goes first.
   */
  publish(topic: string, payload: Buffer, qos: 0 | 1): Promise<void> {
    if (this.closed) return Promise.reject(this.unavailable('the upstream link is closed'));
    if (this.suspended) return Promise.reject(this.unavailable('the upstream is cut'));
    if (!this.wanted) this.open();
    if (this.stateValue === 'disconnected') return Promise.reject(this.unavailable(`not connected${this.lastError ? ` (${this.lastError})` : ''}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ topic, payload, qos, resolve, reject });
      if (this.stateValue === 'connected') this.flush();
    });
  }

  /** Keeps a subscription on every connection; resolves once the current one has its SUBACK. */
  async subscribe(filter: string): Promise<void> {
    this.filters.add(filter);
    const attempt = this.current;
    if (this.stateValue !== 'connected' || attempt === undefined || this.subscribed.has(filter)) return;
    await this.sendSubscribe(attempt, [filter]);
  }

  unsubscribe(filter: string): void {
    if (!this.filters.delete(filter)) return;
    const attempt = this.current;
    if (attempt === undefined || !this.subscribed.delete(filter)) return;
    attempt.client.unsubscribe(filter, () => undefined);
  }

  private connectNow(): void {
    this.setState('connecting');
    const key = this.options.key();
    if (key === undefined) {
      this.lastError = `no key is known for ${this.clientId} yet`;
      this.afterFailure();
      return;
    }
    const { endpoint, timings } = this.options;
    const expiresAtSeconds = Math.floor(Date.now() / 1000) + timings.tokenSeconds;
    const clientOptions: IClientOptions = {
      protocol: endpoint.protocol,
      host: endpoint.host,
      // MQTT.js builds a WebSocket URL from `hostname`, a TLS connection from `host`.
      hostname: endpoint.host,
      port: endpoint.port,
      ...(endpoint.path === undefined ? {} : { path: endpoint.path }),
      ...(endpoint.ca === undefined ? {} : { ca: endpoint.ca }),
      ...(endpoint.servername === undefined ? {} : { servername: endpoint.servername }),
      rejectUnauthorized: true,
      protocolVersion: 4,
      clientId: this.clientId,
      username: connectUsername(endpoint, this.options.identity),
      password: identityToken(endpoint, this.options.identity, key, expiresAtSeconds),
      clean: false,
      keepalive: timings.keepaliveSeconds,
      connectTimeout: timings.connectTimeoutMs,
      reconnectPeriod: 0,
      resubscribe: false,
      queueQoSZero: false,
    };
    const client = connect(clientOptions);
    const attempt: Attempt = { client, acknowledgements: Promise.resolve() };
    this.current = attempt;
    client.handleMessage = (packet, callback) => this.onInbound(attempt, packet as IPublishPacket, callback);
    client.on('connect', (connack) => void this.onConnected(attempt, connack.sessionPresent, expiresAtSeconds));
    client.on('error', (error) => {
      if (this.current !== attempt) return;
      this.lastError = describe(error);
      this.identityRefused = isIdentityRefusal(error);
    });
    client.on('close', () => this.onClosed(attempt));
  }

  private async onConnected(attempt: Attempt, sessionPresent: boolean, expiresAtSeconds: number): Promise<void> {
    if (this.current !== attempt) return;
    try {
      // A cloud that never answers must not hold the attempt in `connecting` forever.
      await withDeadline(this.restoreSubscriptions(attempt, sessionPresent), this.options.timings.connectTimeoutMs, `the cloud did not answer within ${this.options.timings.connectTimeoutMs / 1000} s`);
    } catch (error) {
      if (this.current === attempt) {
        this.lastError = `its subscriptions failed (${describe(error)})`;
        attempt.client.end(true);
      }
      return;
    }
    if (this.current !== attempt || !attempt.client.connected) return;
    this.backoff.reset();
    this.lastError = undefined;
    this.identityRefused = false;
    this.options.log(`upstream ${this.clientId}: connected`);
    this.scheduleRenewal(attempt, expiresAtSeconds);
    // Queued publishes go out before anyone hears "connected", so call order is kept.
    this.setState('connected');
    this.flush();
    for (const waiter of this.readyWaiters.splice(0)) waiter.resolve();
  }

  private async restoreSubscriptions(attempt: Attempt, sessionPresent: boolean): Promise<void> {
    if (sessionPresent) {
      const stale = this.options.knownFilters.filter((filter) => !this.filters.has(filter));
      if (stale.length > 0) await new Promise<void>((resolve, reject) => attempt.client.unsubscribe(stale, (error) => (error ? reject(error) : resolve())));
    }
    if (this.filters.size > 0) await this.sendSubscribe(attempt, [...this.filters]);
  }

  private onClosed(attempt: Attempt): void {
    if (this.current !== attempt) return;
    this.current = undefined;
    this.subscribed.clear();
    clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    const reason = this.lastError ?? 'the connection closed';
    const lostInFlight = this.inFlight.size > 0;
    for (const fail of [...this.inFlight]) fail(this.unavailable(reason));
    if (this.renewing) {
      this.renewing = false;
      // Publishes queued behind one that just failed must fail too: sent on the next connection
      // they would reach the cloud before the failed one is sent again (order per identity).
      if (lostInFlight) this.rejectQueued(reason);
      if (this.wanted && !this.suspended && !this.closed) return this.connectNow();
    }
    this.afterFailure();
  }

  /** After a failed attempt or a lost connection: disconnected, waiters told, a retry planned. */
  private afterFailure(): void {
    const reason = this.lastError ?? 'the connection closed';
    this.setState('disconnected');
    this.rejectWaiting(reason);
    if (!this.wanted || this.suspended || this.closed) return;
    const delayMs = this.backoff.next();
    this.options.log(`upstream ${this.clientId}: ${reason}; retrying in ${(delayMs / 1000).toFixed(1)} s`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (this.wanted && !this.suspended && !this.closed && this.stateValue === 'disconnected') this.connectNow();
    }, delayMs);
    this.retryTimer.unref();
  }

  /**
   * MQTT.js (5.16, lib/handlers/publish.js) handles inbound packets one at a time: the next one,
   * a telemetry PUBACK or a PINGRESP included, waits until this calls back, and for QoS 1 it sends
   * the PUBACK on a plain callback and none on an error. A QoS 1 message whose handling waits
   * (a cloud-to-device message until the child device acknowledges it) would hold up the whole
   * connection, so it calls back at once with an error (no PUBACK from MQTT.js) and sends the
   * PUBACK itself once handled, in arrival order; none when handling fails or the connection has
   * gone (the cloud then redelivers on the next connection).
   */
  private onInbound(attempt: Attempt, packet: IPublishPacket, callback: (error?: Error) => void): void {
    if (this.current !== attempt) return callback(new Error('stale connection'));
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload, 'utf8') : Buffer.from(packet.payload);
    let handled: Promise<void> | void;
    try {
      handled = this.options.onPublish({ topic: packet.topic, payload, qos: packet.qos });
    } catch (error) {
      return callback(error as Error);
    }
    if (packet.qos === 0 || handled === undefined) return callback();
    callback(new Error('acknowledged once handled'));
    const { messageId } = packet;
    const delivered = handled.then(
      () => true,
      () => false,
    );
    attempt.acknowledgements = attempt.acknowledgements
      .then(() => delivered)
      .then((ok) => {
        if (!ok || this.current !== attempt || !attempt.client.connected || messageId === undefined) return;
        mqttPacket.writeToStream({ cmd: 'puback', messageId }, attempt.client.stream);
      });
  }

  private flush(): void {
    const attempt = this.current;
    if (attempt === undefined || this.stateValue !== 'connected') return;
    for (const item of this.queue.splice(0)) {
      let settled = false;
      const fail = (error: Error): void => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(fail);
        item.reject(error);
      };
      this.inFlight.add(fail);
      attempt.client.publish(item.topic, item.payload, { qos: item.qos }, (error) => {
        if (settled) return;
        settled = true;
        this.inFlight.delete(fail);
        if (error) item.reject(this.unavailable(describe(error)));
        else item.resolve();
      });
    }
  }

  private async sendSubscribe(attempt: Attempt, filters: string[]): Promise<void> {
    const request = Object.fromEntries(filters.map((filter) => [filter, { qos: this.options.filterQos(filter) }]));
    const granted = await new Promise<{ topic: string; qos: number }[]>((resolve, reject) =>
      attempt.client.subscribe(request, (error, grants) => (error ? reject(error) : resolve(grants ?? []))),
    );
    const refused = granted.find((grant) => grant.qos === 128);
    if (refused) throw new Error(`the cloud refused the subscription ${refused.topic}`);
    if (this.current === attempt) for (const filter of filters) if (this.filters.has(filter)) this.subscribed.add(filter);
  }

  private scheduleRenewal(attempt: Attempt, expiresAtSeconds: number): void {
    const renewInMs = Math.max(0, (expiresAtSeconds * 1000 - Date.now()) - this.options.timings.tokenSeconds * 250);
    this.renewTimer = setTimeout(() => void this.renew(attempt), renewInMs);
    this.renewTimer.unref();
  }

  /** A new token means a new connection: publishes wait meanwhile, in-flight ones get a moment to finish. */
  private async renew(attempt: Attempt): Promise<void> {
    if (this.current !== attempt || this.stateValue !== 'connected') return;
    this.renewing = true;
    this.setState('connecting');
    const deadline = Date.now() + this.options.timings.renewalDrainMs;
    while (this.inFlight.size > 0 && Date.now() < deadline && this.current === attempt) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.current !== attempt) return;
    this.options.log(`upstream ${this.clientId}: renewing its SharedAccessSignature`);
    // MQTT.js's end(false) would wait for every PUBACK still missing, for ever if one was lost:
    // past the drain time the connection closes anyway, and what was in flight fails (sent again).
    attempt.client.end(this.inFlight.size > 0);
  }

  /**
   * Ends the current connection and does the bookkeeping at once, so the caller goes on as if the
   * socket were gone already (its close event is then ignored). A cut ends it abruptly, as an
   * outage would; a release says DISCONNECT first, but only on a connection the cloud accepted.
   */
  private drop(reason: string, graceful: boolean): Promise<void> {
    const attempt = this.current;
    this.renewing = false;
    this.current = undefined;
    this.subscribed.clear();
    clearTimeout(this.renewTimer);
    this.renewTimer = undefined;
    if (attempt !== undefined) this.lastError = reason;
    for (const fail of [...this.inFlight]) fail(this.unavailable(reason));
    this.setState('disconnected');
    this.rejectWaiting(reason);
    if (attempt === undefined) return Promise.resolve();
    // Before CONNACK, MQTT.js's graceful end only queues the DISCONNECT for after the connect and
    // calls back at once, leaving the socket open (nothing sends it once the client has ended).
    if (graceful && attempt.client.connected) return endClient(attempt.client);
    return destroyClient(attempt.client);
  }

  private rejectWaiting(reason: string): void {
    this.rejectQueued(reason);
    for (const waiter of this.readyWaiters.splice(0)) waiter.reject(this.unavailable(reason));
  }

  private rejectQueued(reason: string): void {
    for (const item of this.queue.splice(0)) item.reject(this.unavailable(reason));
  }

  private clearRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  private setState(state: ConnectionState): void {
    if (state === this.stateValue) return;
    this.stateValue = state;
    this.options.onStateChange(state);
  }

  private unavailable(reason: string): UpstreamUnavailableError {
    const message = `upstream ${this.clientId}: ${reason}`;
    return this.identityRefused ? new IdentityRefusedError(message) : new UpstreamUnavailableError(message);
  }
}

/** A graceful end (DISCONNECT), forced after a second so a dead socket cannot hold close() up; resolves once the socket is closed. */
function endClient(client: MqttClient): Promise<void> {
  return new Promise((resolve) => {
    const force = setTimeout(() => void destroyClient(client).then(resolve), 1000);
    force.unref();
    client.end(false, () => {
      clearTimeout(force);
      void socketClosed(client).then(resolve);
    });
  });
}

/** Ends the client and destroys its socket at once (mid-handshake too); resolves once the socket is closed. */
function destroyClient(client: MqttClient): Promise<void> {
  const closed = socketClosed(client);
  client.end(true);
  // end() is a no-op on a client already ending gracefully, and its callback comes before the
  // socket has closed when there was no CONNACK: the socket is destroyed here in any case.
  client.stream?.destroy();
  return closed;
}

function socketClosed(client: MqttClient): Promise<void> {
  const stream = client.stream as (MqttClient['stream'] & { closed?: boolean }) | undefined;
  if (stream === undefined || stream.closed === true) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

function withDeadline<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), timeoutMs);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** CONNACK 4 (bad user name or password) or 5 (not authorized): how IoT Hub refuses a disabled or unknown identity. */
function isIdentityRefusal(error: Error): boolean {
  const code = (error as { code?: unknown }).code;
  return code === 4 || code === 5;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return code !== undefined && !error.message.includes(String(code)) ? `${error.message} (${String(code)})` : error.message;
  }
  return String(error);
}
