// Keeps a flood of connections that never say who they are from hurting anyone else, on any TLS
// server (the MQTT heads and, when they call it, the HTTPS ones): at most MAX_PENDING_CONNECTIONS
// connections may be in their handshake or waiting for their first packet or request at once, and
// one more closes the oldest of them. A client that logs in at once still gets in while a flood holds
// sockets open, and the file descriptors a flood can take stay bounded (a process out of them
// refuses every new client, MQTT and HTTPS alike, since they share the process's descriptors).
// A connection past its first packet (a CONNECT accepted or refused) or its first request is no
// longer pending: logged-in MQTT connections are bounded by the identities in scope (a second
// connection of an identity replaces its first, sessions.ts), and an idle HTTPS connection by the
// server's keep-alive timeout.
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Server, TLSSocket } from 'node:tls';

/** Node's default is 120 s; a handshake takes milliseconds on a LAN and a few seconds over a poor cellular link. */
export const TLS_HANDSHAKE_TIMEOUT_MS = 10_000;
/**
 * Connections in their handshake or before their first packet, per server. Far more than devices
 * connecting at the same moment after an edge restart (each is pending for milliseconds), and far
 * under the file descriptors a process has (1,024 at the lowest common soft limit).
 */
export const MAX_PENDING_CONNECTIONS = 256;

/** How each TLS socket tells its server it is past its first packet or request (see admitConnection). */
const admissions = new WeakMap<TLSSocket, () => void>();

/** The connection's first MQTT packet or HTTP request came: it no longer counts as pending. */
export function admitConnection(socket: TLSSocket): void {
  admissions.get(socket)?.();
  admissions.delete(socket);
}

/**
 * Bounds the server's pending connections. An MQTT head admits each connection itself (its packet
 * channel calls admitConnection); an HTTPS server's connection is admitted at its first request.
 * The handshake timeout is the server's own option (TLS_HANDSHAKE_TIMEOUT_MS), set where it is made.
 */
export function limitPendingConnections(server: Server, limit = MAX_PENDING_CONNECTIONS): void {
  const pending = new PendingConnections(limit);
  server.on('connection', (socket: Socket) => pending.add(socket));
  server.on('secureConnection', (socket: TLSSocket) => admissions.set(socket, pending.releaser(socket)));
  // 'request' is an HTTPS server's event; a plain TLS server never emits it.
  (server as NodeJS.EventEmitter).on('request', (request: IncomingMessage) => admitConnection(request.socket as TLSSocket));
}

/**
 * The pending connections, oldest first. They are tracked by their TCP socket (the one a flood
 * holds open, handshake or not) under the peer's address and port, which the TLS socket Node makes
 * on top of it reports too, and which no other open connection to the same server shares.
 */
class PendingConnections {
  private readonly waiting = new Map<string, Socket>();

  constructor(private readonly limit: number) {}

  add(socket: Socket): void {
    const key = peerOf(socket);
    if (key === undefined) return;
    this.waiting.set(key, socket);
    socket.once('close', () => this.remove(key, socket));
    if (this.waiting.size <= this.limit) return;
    const [oldestKey, oldest] = this.waiting.entries().next().value as [string, Socket];
    this.waiting.delete(oldestKey);
    oldest.destroy();
  }

  /** What admits this TLS socket's connection. */
  releaser(socket: TLSSocket): () => void {
    const key = peerOf(socket);
    const tcp = key === undefined ? undefined : this.waiting.get(key);
    return () => {
      if (key !== undefined && tcp !== undefined) this.remove(key, tcp);
    };
  }

  private remove(key: string, socket: Socket): void {
    if (this.waiting.get(key) === socket) this.waiting.delete(key);
  }
}

function peerOf(socket: Socket): string | undefined {
  return socket.remoteAddress === undefined ? undefined : `${socket.remoteAddress}|${socket.remotePort}`;
}
