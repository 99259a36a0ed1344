// What the bare MQTT 3.1.1 clients of the tests (the emulator's, the hub's downstream and the
// wire fuzz harnesses) share: every packet the server sends on a socket, parsed (mqtt-packet) and
// kept in arrival order, so that a test takes the next one of a kind when it wants it.
import type { Socket } from 'node:net';
import mqttPacket, { type Packet } from 'mqtt-packet';

export class PacketInbox {
  readonly received: Packet[] = [];
  /** Bytes from the server the parser could not read (a server never sends such). */
  unreadable = false;
  private waiting: (() => void)[] = [];

  constructor(socket: Socket) {
    const parser = mqttPacket.parser({ protocolVersion: 4 });
    parser.on('packet', (packet) => {
      this.received.push(packet);
      this.wake();
    });
    parser.on('error', () => (this.unreadable = true));
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.once('close', () => this.wake());
  }

  /** The next packet of this kind not yet taken, or undefined once `isClosed()` says the socket closed. */
  async next(cmd: Packet['cmd'], isClosed: () => boolean): Promise<Packet | undefined> {
    for (;;) {
      const index = this.received.findIndex((packet) => packet.cmd === cmd);
      if (index !== -1) return this.received.splice(index, 1)[0];
      if (isClosed()) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
  }

  private wake(): void {
    for (const wake of this.waiting.splice(0)) wake();
  }
}
