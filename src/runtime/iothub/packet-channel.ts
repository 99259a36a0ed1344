// One TLS socket as a stream of MQTT packets, both ways, with the limits that keep a bad client
// from hurting the server: a packet the parser rejects, one larger than IoT Hub takes, a client that
// never sends CONNECT, or one silent past its keepalive, each closes this socket and nothing else.
// The server may pause reading (too much of this client's traffic not yet handled); the client's
// silence is not held against it meanwhile.
import type { TLSSocket } from 'node:tls';
import mqttPacket, { type Packet } from 'mqtt-packet';
import { admitConnection } from './pending-connections.js';

/** IoT Hub's largest message is 256 KB (docs/FACTS.md §5); topic and header bytes come on top. */
export const MAX_PACKET_BYTES = 256 * 1024 + 64 * 1024;
/** How long a new connection may take to send CONNECT. */
const CONNECT_DEADLINE_MS = 30_000;
/** IoT Hub closes a client silent for 1.5 × its keepalive, at most 1767 s (docs/research/iothub-facts.md §7). */
const KEEPALIVE_FACTOR = 1.5;
const MAX_SILENCE_SECONDS = 1767;

export class PacketChannel {
  private closed = false;
  private paused = false;
  /** Whether a packet came yet: until then the connection counts as pending (pending-connections.ts). */
  private admitted = false;
  private silenceTimer: NodeJS.Timeout;
  /** What the silence timer waits for, so a resume can start it again. */
  private silence: { ms: number; reason: string } = { ms: CONNECT_DEADLINE_MS, reason: `it sent no CONNECT within ${CONNECT_DEADLINE_MS / 1000} s` };
  /** Bytes handed to the parser since it last produced a packet: what a partial packet holds. */
  private pendingBytes = 0;
  private readonly closeListeners: (() => void)[] = [];

  constructor(
    private readonly socket: TLSSocket,
    onPacket: (packet: Packet) => void,
    /** Told when the channel closes the socket for a fault of the client's. */
    private readonly onFault: (reason: string) => void = () => undefined,
  ) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      this.pendingBytes = 0;
      if (!this.admitted) {
        // The first packet is handled at once: a CONNECT accepted or refused, anything else closes.
        this.admitted = true;
        admitConnection(socket);
      }
      if (!this.paused) this.silenceTimer.refresh();
      if (!this.closed) onPacket(packet);
    });
    parser.on('error', (error: Error) => this.fault(`it sent a malformed packet (${error.message})`));
    socket.on('data', (chunk: Buffer) => {
      if (this.closed) return;
      this.pendingBytes += chunk.length;
      if (this.pendingBytes > MAX_PACKET_BYTES) return this.fault(`it sent a packet over ${MAX_PACKET_BYTES} bytes`);
      try {
        parser.parse(chunk);
      } catch (error) {
        // A packet the hub cannot make sense of costs this socket, not the server.
        this.fault(`its packet could not be handled (${(error as Error).message})`);
      }
    });
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    this.silenceTimer = this.armSilence();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** After CONNECT: how long the client may stay silent, from its keepalive (0 means "none": the cap). */
  setKeepalive(keepaliveSeconds: number): void {
    const seconds = keepaliveSeconds > 0 ? Math.min(keepaliveSeconds * KEEPALIVE_FACTOR, MAX_SILENCE_SECONDS) : MAX_SILENCE_SECONDS;
    this.silence = { ms: seconds * 1000, reason: `it was silent for ${seconds} s (its keepalive is ${keepaliveSeconds} s)` };
    clearTimeout(this.silenceTimer);
    if (!this.paused) this.silenceTimer = this.armSilence();
  }

  /** Stops reading the client's packets (TCP then holds the client back) until resume(). */
  pause(): void {
    if (this.closed || this.paused) return;
    this.paused = true;
    clearTimeout(this.silenceTimer);
    this.socket.pause();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.closed) return;
    this.silenceTimer = this.armSilence();
    this.socket.resume();
  }

  private armSilence(): NodeJS.Timeout {
    const { ms, reason } = this.silence;
    return setTimeout(() => this.fault(reason), ms);
  }

  send(packet: Packet): void {
    if (this.closed || !this.socket.writable) return;
    try {
      this.socket.write(mqttPacket.generate(packet));
    } catch {
      this.close();
    }
  }

  /** Sends what is queued, then closes the socket; later calls do nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.silenceTimer);
    if (this.socket.writable) this.socket.end(() => this.socket.destroy());
    else this.socket.destroy();
    // A peer that never reads would hold end() back; a closed channel owes it nothing more.
    setTimeout(() => this.socket.destroy(), 1000).unref();
    for (const listener of this.closeListeners.splice(0)) listener();
  }

  private fault(reason: string): void {
    if (this.closed) return;
    this.onFault(reason);
    this.close();
  }

  onClose(listener: () => void): void {
    if (this.closed) listener();
    else this.closeListeners.push(listener);
  }
}
