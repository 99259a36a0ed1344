// The clients of the wire tests: a bare MQTT 3.1.1 client over TLS (mqtt-packet) that sends any
// bytes and records every packet the server answers, and a well-behaved publisher (MQTT.js, no
// reconnects) that publishes at a steady pace while an attack runs and records every PUBACK, the
// time each took, and whether its connection ever dropped.
import { connect as netConnect, type Socket } from 'node:net';
import { connect, type TLSSocket } from 'node:tls';
import mqtt, { type MqttClient } from 'mqtt';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { PacketInbox } from '../../support/packet-inbox.js';
import { nowSeconds, type WireServer } from './wire-world.js';

/** Polls a condition with a generous deadline: a busy machine is slow, not wrong. */
export async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Polls an asynchronous condition with a generous deadline. */
export async function eventually(condition: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A bare client: sends what it is told and records what comes back. */
export class RawWireClient {
  private readonly inbox: PacketInbox;
  readonly received: Packet[];
  private readonly closedPromise: Promise<void>;
  private isClosed = false;

  private constructor(private readonly socket: TLSSocket) {
    this.inbox = new PacketInbox(socket);
    this.received = this.inbox.received;
    socket.on('error', () => undefined);
    this.closedPromise = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true;
        resolve();
      }),
    );
  }

  /** Bytes from the server the parser could not read (a server never sends such). */
  get unreadable(): boolean {
    return this.inbox.unreadable;
  }

  /** A TLS connection, handshake done; rejects when the server refuses or drops it first. */
  static async open(server: WireServer): Promise<RawWireClient> {
    const socket = connect({ host: server.host, port: server.port, ca: server.ca });
    await new Promise<void>((resolve, reject) => {
      socket.once('secureConnect', () => resolve());
      socket.once('error', reject);
      socket.once('close', () => reject(new Error('closed during the TLS handshake')));
    });
    return new RawWireClient(socket);
  }

  /** Connects as this identity with a valid token (or the given password); resolves with the CONNACK return code, -1 when closed without one. */
  async login(server: WireServer, clientId: string, password?: string): Promise<number> {
    this.send(connectPacket(server, clientId, password ?? server.token(clientId, nowSeconds() + 3600)));
    const connack = await this.next('connack');
    return connack?.cmd === 'connack' ? (connack.returnCode ?? -1) : -1;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  send(packet: Packet): void {
    this.write(mqttPacket.generate(packet));
  }

  write(bytes: Buffer): void {
    if (!this.socket.destroyed) this.socket.write(bytes);
  }

  /** The next packet of this kind not yet taken, or undefined once the socket closed. */
  next(cmd: Packet['cmd']): Promise<Packet | undefined> {
    return this.inbox.next(cmd, () => this.isClosed);
  }

  /** Resolves once the server closed the socket (true) or the time is up (false). */
  async closedWithin(ms: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeUp = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
    const result = await Promise.race([this.closedPromise.then(() => true), timeUp]);
    clearTimeout(timer);
    return result;
  }

  end(): void {
    this.socket.destroy();
  }
}

export function connectPacket(server: WireServer, clientId: string, password: string): Packet {
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clientId,
    clean: true,
    keepalive: 60,
    username: server.username(clientId),
    password: Buffer.from(password),
  };
}

/** Where a TLS server listens, and the CA its certificate chains to. */
export type Endpoint = Pick<WireServer, 'host' | 'port' | 'ca'>;

export interface IdleSockets {
  /** How many the server has closed so far. */
  closedByServer(): number;
  destroy(): void;
}

/** Opens TLS sockets that never send a byte after the handshake; resolves once every handshake ended or failed. */
export async function openIdleSockets(server: Endpoint, count: number): Promise<IdleSockets> {
  const sockets: TLSSocket[] = [];
  let closed = 0;
  await Promise.all(
    Array.from({ length: count }, () => {
      const socket = connect({ host: server.host, port: server.port, ca: server.ca });
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => closed++);
      // Settles at the handshake's end, or when the server drops the socket first.
      return new Promise<void>((resolve) => {
        socket.once('secureConnect', () => resolve());
        socket.once('close', () => resolve());
      });
    }),
  );
  return { closedByServer: () => closed, destroy: () => sockets.forEach((socket) => socket.destroy()) };
}

/** Opens TCP connections that never start the TLS handshake. */
export async function openSilentTcpSockets(server: Endpoint, count: number): Promise<IdleSockets> {
  const sockets: Socket[] = [];
  let closed = 0;
  await Promise.all(
    Array.from({ length: count }, () => {
      const socket = netConnect({ host: server.host, port: server.port });
      sockets.push(socket);
      socket.on('error', () => undefined);
      socket.once('close', () => closed++);
      return new Promise<void>((resolve) => {
        socket.once('connect', () => resolve());
        socket.once('close', () => resolve());
      });
    }),
  );
  return { closedByServer: () => closed, destroy: () => sockets.forEach((socket) => socket.destroy()) };
}

export interface SteadyReport {
  sent: number;
  acknowledged: number;
  /** Times the connection closed or failed while publishing. */
  drops: number;
  /** PUBACK latencies in ms, in order. */
  latenciesMs: number[];
  /** The bodies sent, in order: `{tag}:{n}`. */
  bodies: string[];
}

/** At most this many PUBLISHes wait for their PUBACK; a publisher held back waits, as the SDK does. */
const STEADY_WINDOW = 20;

/**
 * Publishes `{tag}:{n}` at QoS 1 every `everyMs` on one connection (MQTT.js, no reconnects), at
 * most STEADY_WINDOW unacknowledged; stop() waits for the PUBACKs still owed.
 */
export class SteadyPublisher {
  private readonly report: SteadyReport = { sent: 0, acknowledged: 0, drops: 0, latenciesMs: [], bodies: [] };
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly client: MqttClient,
    private readonly topic: string,
    private readonly tag: string,
  ) {
    client.on('error', () => undefined);
    client.on('close', () => this.report.drops++);
  }

  static async start(server: WireServer, clientId: string, tag: string, everyMs = 20): Promise<SteadyPublisher> {
    const client = await mqtt.connectAsync({
      protocol: 'mqtts',
      host: server.host,
      port: server.port,
      ca: server.ca,
      clientId,
      username: server.username(clientId),
      password: server.token(clientId, nowSeconds() + 3600),
      protocolVersion: 4,
      clean: true,
      reconnectPeriod: 0,
      connectTimeout: 20_000,
    });
    const publisher = new SteadyPublisher(client, `devices/${clientId}/messages/events/`, tag);
    publisher.timer = setInterval(() => publisher.publishOne(), everyMs);
    return publisher;
  }

  /** What it saw so far. */
  get progress(): Readonly<SteadyReport> {
    return this.report;
  }

  /** Stops publishing, waits (generously) for every PUBACK owed, and ends the connection. */
  async stop(): Promise<SteadyReport> {
    clearInterval(this.timer);
    await until(() => this.inFlight.size === 0 || this.report.drops > 0, 'the steady publisher\'s last PUBACKs', 60_000).catch(() => undefined);
    const report = { ...this.report, latenciesMs: [...this.report.latenciesMs], bodies: [...this.report.bodies] };
    await this.client.endAsync(true).catch(() => undefined);
    return report;
  }

  private publishOne(): void {
    if (this.inFlight.size >= STEADY_WINDOW || this.report.drops > 0) return;
    const body = `${this.tag}:${this.report.sent}`;
    this.report.sent++;
    this.report.bodies.push(body);
    const started = performance.now();
    const work = this.client.publishAsync(this.topic, body, { qos: 1 }).then(
      () => {
        this.report.acknowledged++;
        this.report.latenciesMs.push(performance.now() - started);
      },
      () => undefined,
    );
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}

/** p50, p99 and the largest of some latencies, for the test's console line. */
export function latencySummary(latenciesMs: readonly number[]): string {
  if (latenciesMs.length === 0) return 'no PUBACKs';
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return `${sorted.length} PUBACKs, p50 ${at(0.5).toFixed(1)} ms, p99 ${at(0.99).toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`;
}
