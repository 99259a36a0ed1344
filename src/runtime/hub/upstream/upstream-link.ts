// The hub's side of the cloud: one MQTT connection per identity that has traffic, each signed
// with that identity's key (IoT Hub allows a device or module to connect only as itself), plus
// the edge hub's own connection ({edge}/$edgeHub), whose state is the link's state. A cut closes
// them all and keeps them closed until restore; otherwise each reconnects with backoff.
import { identityKey, type ClientIdentity } from '../../iothub/client-identity.js';
import { formatTelemetryBag } from '../../iothub/property-bag.js';
import type { HubMessage, UpstreamState } from '../hub-types.js';
import { DEFAULT_BACKOFF, type BackoffRange } from './backoff.js';
import { CloudInbound, type CloudToDeviceReceiver, type DesiredListener, type MethodHandler } from './cloud-inbound.js';
import { cloudToDeviceFilter, DESIRED_PATCHES_FILTER, filterQos, knownFilters, METHOD_REQUESTS_FILTER, telemetryTopic } from './cloud-topics.js';
import { CloudTwinRequests, type TwinRequest, type TwinResponse } from './cloud-twin-requests.js';
import { UpstreamConnection, type ConnectionTimings } from './upstream-connection.js';
import { upstreamEndpoint } from './upstream-endpoint.js';
import { UpstreamRejectedError, UpstreamUnavailableError } from './upstream-errors.js';

export type { TwinRequest, TwinResponse } from './cloud-twin-requests.js';
export type { CloudToDeviceMessage, CloudToDeviceReceiver, DesiredListener, MethodHandler } from './cloud-inbound.js';
export { UpstreamRejectedError, UpstreamUnavailableError } from './upstream-errors.js';

export interface UpstreamOptions {
  /** HostName from the connection string, may carry :port (the MQTT port, default 8883). */
  hostName: string;
  /** MqttWs: wss://host/$iothub/websocket on 443. */
  protocol: 'Mqtt' | 'MqttWs';
  /** The WebSocket port for MqttWs; default 443, IoT Hub's only one. */
  webSocketPort?: number;
  /** PEM to trust; undefined → the system CAs (the same code works against a real IoT Hub). */
  ca?: string;
  /** The key that signs SAS tokens for an identity (3600 s, renewed before expiry). */
  keyOf(identity: ClientIdentity): string | undefined;
  /** Reconnect delays: exponential with jitter between these; default 1 s .. 60 s. */
  backoff?: { minMs: number; maxMs: number };
  log?(line: string): void;
  /** Starts cut (a hub restarted during a simulated outage): no connection is tried until restore(). */
  startCut?: boolean;
  /** MQTT keepalive; default 60 s, so a silently dead link is noticed within 90 s (the SDK's 180 s takes 4.5 min). */
  keepaliveSeconds?: number;
  /** How long one attempt may wait for CONNACK; default 30 s. */
  connectTimeoutMs?: number;
  /** SAS token lifetime; default 3600 s as the device SDK, renewed at three quarters. */
  tokenSeconds?: number;
  /** How long a twin request waits for the cloud's answer; default 30 s. */
  twinTimeoutMs?: number;
  /** How long a downstream device may take to acknowledge a cloud-to-device message; default 60 s. */
  cloudToDeviceTimeoutMs?: number;
  /** An identity's connection closes after this long without use when no client needs it; default 1 h (edgeHub's CloudConnectionIdleTimeoutSecs). */
  idleMs?: number;
  random?: () => number;
}

export interface UpstreamLink {
  /** Overall: 'cut' when cut; else the state of the edge hub's own connection ({edge}/$edgeHub). */
  readonly state: UpstreamState;
  onStateChange(listener: (state: UpstreamState) => void): () => void;
  /** Closes every upstream connection and refuses to reconnect until restore(). */
  cut(): void;
  restore(): void;
  /** Publishes as the message's source identity at QoS 1; resolves on the cloud's PUBACK; rejects when down or cut. */
  sendTelemetry(message: HubMessage): Promise<void>;
  /** A raw twin request/response on an identity's connection (subscribes as needed). */
  twinRequest(identity: ClientIdentity, request: TwinRequest): Promise<TwinResponse>;
  onDesiredPatch(identity: ClientIdentity, listener: DesiredListener): () => void;
  /** Cloud-invoked direct method for a client connected downstream: the handler answers. */
  onMethod(identity: ClientIdentity, handler: MethodHandler): () => void;
  /** C2D for a connected child device: the upstream PUBACK goes only after `deliver` resolves. */
  onCloudToDevice(deviceId: string, deliver: CloudToDeviceReceiver): () => void;
  /** A downstream client connected / left: open its upstream connection / close it when nothing else needs it. */
  attach(identity: ClientIdentity): void;
  detach(identity: ClientIdentity): void;
  close(): Promise<void>;
}

/** IoT Hub's largest device-to-cloud message (docs/FACTS.md §5): a bigger one can never go up. */
const MAX_MESSAGE_BYTES = 256 * 1024;
const EDGE_HUB_MODULE = '$edgeHub';

export function createUpstreamLink(edgeDeviceId: string, options: UpstreamOptions): UpstreamLink {
  return new MqttUpstreamLink(edgeDeviceId, options);
}

interface IdentityEntry {
  identity: ClientIdentity;
  key: string;
  connection: UpstreamConnection;
  twin: CloudTwinRequests;
  attached: number;
  /** When it last carried telemetry or a twin request, or its last client left; undefined when never. */
  lastTrafficMs?: number;
  /** The hub's own connection: always wanted. */
  pinned: boolean;
}

class MqttUpstreamLink implements UpstreamLink {
  private readonly entries = new Map<string, IdentityEntry>();
  private readonly stateListeners = new Set<(state: UpstreamState) => void>();
  private readonly inbound: CloudInbound;
  private readonly edge: IdentityEntry;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly idleMs: number;
  /** Connections released and still closing: close() waits for their sockets too. */
  private readonly releasing = new Set<Promise<void>>();
  private cutNow = false;
  private closed = false;
  private lastState: UpstreamState;

  constructor(
    edgeDeviceId: string,
    private readonly options: UpstreamOptions,
  ) {
    this.idleMs = options.idleMs ?? 3_600_000;
    this.cutNow = options.startCut === true;
    this.inbound = new CloudInbound({
      log: (line) => this.log(line),
      cloudToDeviceTimeoutMs: options.cloudToDeviceTimeoutMs ?? 60_000,
      respond: (identity, topic, payload) => this.entries.get(identityKey(identity))?.connection.publish(topic, payload, 0) ?? Promise.reject(new UpstreamUnavailableError('no connection')),
      twinAnswer: (identity, rid, status, version, payload) => this.entries.get(identityKey(identity))?.twin.answer(rid, status, version, payload),
    });
    this.edge = this.entryOf({ deviceId: edgeDeviceId, moduleId: EDGE_HUB_MODULE }, true);
    this.lastState = this.state;
    this.sweepTimer = setInterval(() => this.sweepIdle(), Math.min(this.idleMs, 60_000));
    this.sweepTimer.unref();
  }

  get state(): UpstreamState {
    if (this.closed) return 'disconnected';
    return this.cutNow ? 'cut' : this.edge.connection.state;
  }

  onStateChange(listener: (state: UpstreamState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  cut(): void {
    if (this.closed || this.cutNow) return;
    this.cutNow = true;
    this.log('upstream: cut; every cloud connection is closed until restore');
    for (const entry of this.entries.values()) entry.connection.suspend();
    this.emitState();
  }

  restore(): void {
    if (this.closed || !this.cutNow) return;
    this.cutNow = false;
    this.log('upstream: restored; reconnecting');
    // The hub's own connection first: the state follows it.
    this.edge.connection.resume();
    for (const entry of this.entries.values()) entry.connection.resume();
    this.emitState();
  }

  sendTelemetry(message: HubMessage): Promise<void> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    if (message.body.length > MAX_MESSAGE_BYTES) {
      return Promise.reject(new UpstreamRejectedError(`a message of ${message.body.length} bytes from ${identityKey(message.source)} is over IoT Hub's ${MAX_MESSAGE_BYTES}-byte limit`));
    }
    const entry = this.entryOf(message.source);
    entry.lastTrafficMs = Date.now();
    const bag = formatTelemetryBag(message.properties, message.systemProperties, message.outputName);
    return entry.connection.publish(telemetryTopic(message.source, bag), message.body, 1).finally(() => (entry.lastTrafficMs = Date.now()));
  }

  twinRequest(identity: ClientIdentity, request: TwinRequest): Promise<TwinResponse> {
    const refusal = this.refusal();
    if (refusal) return Promise.reject(refusal);
    const entry = this.entryOf(identity);
    entry.lastTrafficMs = Date.now();
    return entry.twin.request(request).finally(() => (entry.lastTrafficMs = Date.now()));
  }

  onDesiredPatch(identity: ClientIdentity, listener: DesiredListener): () => void {
    const off = this.inbound.addDesired(identity, listener);
    this.subscribe(identity, DESIRED_PATCHES_FILTER);
    return () => {
      if (off()) this.unsubscribe(identity, DESIRED_PATCHES_FILTER);
    };
  }

  onMethod(identity: ClientIdentity, handler: MethodHandler): () => void {
    const off = this.inbound.setMethodHandler(identity, handler);
    this.subscribe(identity, METHOD_REQUESTS_FILTER);
    return () => {
      if (off()) this.unsubscribe(identity, METHOD_REQUESTS_FILTER);
    };
  }

  onCloudToDevice(deviceId: string, deliver: CloudToDeviceReceiver): () => void {
    const identity = { deviceId };
    const { off, redeliver } = this.inbound.setCloudToDevice(deviceId, deliver);
    const entry = this.subscribe(identity, cloudToDeviceFilter(deviceId));
    // A message this connection left unacknowledged comes again only on a new connection.
    if (redeliver && entry) entry.connection.recycle();
    return () => {
      if (off()) this.unsubscribe(identity, cloudToDeviceFilter(deviceId));
    };
  }

  attach(identity: ClientIdentity): void {
    if (this.closed) return;
    const entry = this.entryOf(identity);
    entry.attached += 1;
  }

  detach(identity: ClientIdentity): void {
    const entry = this.entries.get(identityKey(identity));
    if (entry === undefined) return;
    entry.attached = Math.max(0, entry.attached - 1);
    // The idle sweep decides, as edgeHub keeps a cloud connection for its idle timeout: a client
    // that reconnects downstream (its token renewal) finds its upstream connection still there.
    entry.lastTrafficMs = Date.now();
    this.releaseIfUnneeded(entry);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    await Promise.all([...[...this.entries.values()].map((entry) => entry.connection.close()), ...this.releasing]);
    this.emitState();
    this.stateListeners.clear();
  }

  /** The entry of this identity, made and opened on first use. */
  private entryOf(identity: ClientIdentity, pinned = false): IdentityEntry {
    const key = identityKey(identity);
    const existing = this.entries.get(key);
    if (existing) {
      existing.connection.open();
      return existing;
    }
    const endpoint = upstreamEndpoint(this.options.hostName, this.options.protocol, this.options.ca, this.options.webSocketPort);
    const connection: UpstreamConnection = new UpstreamConnection({
      identity,
      endpoint,
      key: () => this.options.keyOf(identity),
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      timings: this.timings(),
      knownFilters: knownFilters(identity),
      filterQos,
      onPublish: (message) => this.inbound.dispatch(identity, message),
      onStateChange: (state) => this.onConnectionState(entry, state),
      log: (line) => this.log(line),
      ...(this.options.random ? { random: this.options.random } : {}),
    });
    const entry: IdentityEntry = { identity, key, connection, twin: new CloudTwinRequests(connection, this.options.twinTimeoutMs ?? 30_000), attached: 0, pinned };
    this.entries.set(key, entry);
    if (this.cutNow) connection.suspend();
    connection.open();
    return entry;
  }

  private onConnectionState(entry: IdentityEntry, state: string): void {
    if (state !== 'connected') entry.twin.failAll(`upstream ${entry.key}: the connection closed before the cloud answered`);
    if (entry !== this.edge) return;
    // The hub's own connection is back: the network is, so the others need not wait out their backoff.
    if (state === 'connected') for (const other of this.entries.values()) if (other !== entry) other.connection.retryNow();
    this.emitState();
  }

  private subscribe(identity: ClientIdentity, filter: string): IdentityEntry | undefined {
    if (this.closed) return undefined;
    const entry = this.entryOf(identity);
    entry.connection.subscribe(filter).catch((error: unknown) => this.log(`upstream ${entry.key}: subscribing to ${filter} failed (${(error as Error).message}); it is retried on the next connection`));
    return entry;
  }

  private unsubscribe(identity: ClientIdentity, filter: string): void {
    const entry = this.entries.get(identityKey(identity));
    if (entry === undefined) return;
    entry.connection.unsubscribe(filter);
    this.releaseIfUnneeded(entry);
  }

  private sweepIdle(): void {
    for (const entry of [...this.entries.values()]) this.releaseIfUnneeded(entry);
  }

  /**
   * Closes an identity's connection once nothing needs it: no client attached, no listener, and no
   * telemetry or twin traffic for idleMs (the pump may still be draining that identity's messages).
   */
  private releaseIfUnneeded(entry: IdentityEntry): void {
    if (entry.pinned || entry.attached > 0 || this.inbound.listens(entry.identity)) return;
    if (entry.lastTrafficMs !== undefined && Date.now() - entry.lastTrafficMs < this.idleMs) return;
    this.entries.delete(entry.key);
    const released = entry.connection.release().finally(() => this.releasing.delete(released));
    this.releasing.add(released);
    entry.twin.failAll(`upstream ${entry.key}: the connection was released`);
  }

  private refusal(): Error | undefined {
    if (this.closed) return new UpstreamUnavailableError('the upstream link is closed');
    if (this.cutNow) return new UpstreamUnavailableError('the upstream is cut');
    return undefined;
  }

  private timings(): ConnectionTimings {
    return {
      keepaliveSeconds: this.options.keepaliveSeconds ?? 60,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 30_000,
      tokenSeconds: this.options.tokenSeconds ?? 3600,
      renewalDrainMs: 10_000,
    };
  }

  private emitState(): void {
    const state = this.state;
    if (state === this.lastState) return;
    this.lastState = state;
    this.log(`upstream: ${state}`);
    for (const listener of [...this.stateListeners]) listener(state);
  }

  private log(line: string): void {
    this.options.log?.(line);
  }
}
