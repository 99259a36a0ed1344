// A device that publishes numbered telemetry at QoS 1 through the hub (MQTT.js) and writes down
// what the fault tests judge by: which numbers the hub acknowledged, and which were in flight
// (sent, no PUBACK yet) when a connection was lost. It behaves as the device SDK does: after a
// lost connection it connects again and first resends what was in flight, in order, then goes on
// with new numbers, so the hub may store a message twice only if its PUBACK never came.
import type { MqttClient } from 'mqtt';
import { sleep } from './fault-settings.js';

export interface AckedPublisherOptions {
  /** The device id the hub knows the connection as (a child device of the edge device). */
  deviceId: string;
  /** Opens a connection to wherever the hub is now; rejects when it cannot (tried again shortly). */
  connect(): Promise<MqttClient>;
  /** PUBLISHes awaiting a PUBACK at most. */
  window: number;
  /** New messages in all; undefined: until stop(). */
  limit?: number;
  /** New messages a second; undefined: as fast as the window allows. */
  perSecond?: number;
  /** Property bag entries every message carries besides `seq` (e.g. a run tag). */
  properties?: Record<string, string>;
}

/** What a publisher saw, for delivery-check.ts. */
export interface PublishedRecord {
  identity: string;
  /** Numbers 0 .. sent-1 were published at least once. */
  sent: number;
  /** Every number the hub acknowledged (in PUBACK order). */
  acked: readonly number[];
  /** Numbers sent but not acknowledged when a connection was lost: the hub may hold them, even twice. */
  inFlightAtFault: ReadonlySet<number>;
  /** Connections that closed without the publisher ending them. */
  losses: number;
}

export class AckedPublisher {
  private nextNew = 0;
  /** Sent on the current connection, awaiting a PUBACK. */
  private readonly pending = new Set<number>();
  /** Lost in flight: sent again, in order, before anything new. */
  private resend: number[] = [];
  private readonly ackedList: number[] = [];
  private readonly inFlightAtFaultSet = new Set<number>();
  private lossCount = 0;
  private publishing = false;
  private loop: Promise<void> | undefined;
  private startedAtMs = 0;
  private current: MqttClient | undefined;
  /** Sends what the window and the rate allow on the current connection. */
  private fillCurrent: () => void = () => undefined;
  /** Called on every PUBACK and when the connection changes, so waiters can look again. */
  private readonly listeners = new Set<() => void>();

  constructor(private readonly options: AckedPublisherOptions) {}

  get record(): PublishedRecord {
    return { identity: this.options.deviceId, sent: this.nextNew, acked: this.ackedList, inFlightAtFault: this.inFlightAtFaultSet, losses: this.lossCount };
  }

  get ackedCount(): number {
    return this.ackedList.length;
  }

  get connected(): boolean {
    return this.current?.connected === true;
  }

  start(): void {
    if (this.loop !== undefined) return;
    this.publishing = true;
    this.startedAtMs = Date.now();
    this.loop = this.run();
  }

  /** Stops sending new messages and resolves once every one sent is acknowledged (reconnecting as needed). */
  async stop(): Promise<void> {
    this.publishing = false;
    this.wake();
    await this.loop;
  }

  /** Gives up at once (cleanup after a failure): nothing more is sent or waited for. */
  async abandon(): Promise<void> {
    this.publishing = false;
    this.pending.clear();
    this.resend = [];
    this.current?.end(true);
    this.wake();
    await this.loop;
  }

  /** Resolves once `condition` holds, looked at after each PUBACK; rejects after the deadline (a hang guard). */
  waitUntil(what: string, condition: () => boolean, deadlineMs = 30_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`${this.options.deviceId}: timed out waiting for ${what} (${this.ackedList.length} acknowledged)`));
      }, deadlineMs);
      const check = (): void => {
        if (!condition()) return;
        clearTimeout(timer);
        this.listeners.delete(check);
        resolve();
      };
      this.listeners.add(check);
    });
  }

  private outstanding(): boolean {
    return this.pending.size > 0 || this.resend.length > 0;
  }

  private async run(): Promise<void> {
    while (this.publishing || this.outstanding()) {
      let client: MqttClient;
      try {
        client = await this.options.connect();
      } catch {
        await sleep(50);
        continue;
      }
      await this.serve(client);
    }
  }

  /** Publishes on one connection until it is lost, or until stopping and nothing is outstanding. */
  private serve(client: MqttClient): Promise<void> {
    this.current = client;
    return new Promise((resolve) => {
      let open = true;
      let ticker: NodeJS.Timeout | undefined;
      const finish = (): void => {
        clearInterval(ticker);
        this.current = undefined;
        this.fillCurrent = () => undefined;
        this.wake();
        resolve();
      };
      const fill = (): void => {
        if (!open) return;
        if (!this.publishing && !this.outstanding()) {
          open = false;
          client.end(false, {}, () => finish());
          return;
        }
        while (this.pending.size < this.options.window) {
          const seq = this.resend.shift() ?? this.takeNew();
          if (seq === undefined) break;
          this.publish(client, seq, () => open, fill);
        }
      };
      client.on('error', () => undefined);
      client.on('close', () => {
        if (!open) return;
        open = false;
        // Whatever had no PUBACK may or may not be stored: it goes again, first, on the next connection.
        this.lossCount += 1;
        for (const seq of this.pending) this.inFlightAtFaultSet.add(seq);
        this.resend = [...this.pending, ...this.resend].sort((a, b) => a - b);
        this.pending.clear();
        client.end(true);
        finish();
      });
      this.fillCurrent = fill;
      ticker = setInterval(fill, 10);
      fill();
    });
  }

  private wake(): void {
    this.fillCurrent();
    for (const listener of [...this.listeners]) listener();
  }

  /** The next new number, if the rate allows one now. */
  private takeNew(): number | undefined {
    if (!this.publishing) return undefined;
    const { perSecond, limit } = this.options;
    if (limit !== undefined && this.nextNew >= limit) return undefined;
    if (perSecond !== undefined && this.nextNew >= ((Date.now() - this.startedAtMs) * perSecond) / 1000) return undefined;
    return this.nextNew++;
  }

  private publish(client: MqttClient, seq: number, stillOpen: () => boolean, next: () => void): void {
    this.pending.add(seq);
    const bag = new URLSearchParams({ ...this.options.properties, seq: String(seq) }).toString();
    client.publish(`devices/${this.options.deviceId}/messages/events/${bag}`, JSON.stringify({ seq }), { qos: 1 }, (error) => {
      // A PUBACK can only come before the connection closed; after it, the number is already in `resend`.
      if (error || !stillOpen() || !this.pending.delete(seq)) return;
      this.ackedList.push(seq);
      for (const listener of [...this.listeners]) listener();
      next();
    });
  }
}
