// A TLS listener for an MQTT head: listens, hands each socket to the caller, and on close stops
// accepting and ends the sockets that belong to no session yet (still in their handshake, or not
// past CONNECT), so close() never hangs on a silent client. A handshake must end within
// TLS_HANDSHAKE_TIMEOUT_MS, and connections not yet past CONNECT are capped (pending-connections.ts).
import type { AddressInfo, Socket } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { listen } from './listen.js';
import { limitPendingConnections, TLS_HANDSHAKE_TIMEOUT_MS } from './pending-connections.js';

export interface TlsListenerOptions {
  host: string;
  /** 0: the OS chooses. */
  port: number;
  tls: { key: string; cert: string };
  onSocket(socket: TLSSocket): void;
}

export interface TlsListener {
  port: number;
  /** Stops accepting; `beforeDestroy` closes the sessions, then every socket left is destroyed. */
  close(beforeDestroy?: () => Promise<void>): Promise<void>;
}

export async function listenTls(options: TlsListenerOptions): Promise<TlsListener> {
  const server = createServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2', handshakeTimeout: TLS_HANDSHAKE_TIMEOUT_MS }, options.onSocket);
  const sockets = trackSockets(server);
  limitPendingConnections(server);
  // A failed handshake concerns that client only. With a listener here Node leaves the socket open
  // after a handshake timeout (it closes it itself only after a protocol error), so it goes here.
  server.on('tlsClientError', (_error, socket) => socket.destroy());
  await listen(server, { host: options.host, port: options.port });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: async (beforeDestroy) => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await beforeDestroy?.();
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}

/**
 * The host names a client may write in its username and SAS audience: the configured name, and
 * `{host}:{port}` of this listener, which is what a connection string's HostName holds when it must
 * also say where to connect (with port 0 it is known only after listening).
 */
export function acceptedHostNames(hostName: string, host: string, port: number): string[] {
  const wildcard = host === '0.0.0.0' || host === '::' || host === '';
  return wildcard ? [hostName] : [hostName, host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`];
}

/** Host names compare case-insensitively, so one spelling of each is enough. */
export function distinctHostNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => !seen.has(name.toLowerCase()) && seen.add(name.toLowerCase()));
}

function trackSockets(server: Server): Set<Socket> {
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    // MQTT answers are small (a PUBACK is 4 bytes): Nagle's algorithm would hold each behind the
    // client's delayed ACK of the previous one.
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  return sockets;
}
