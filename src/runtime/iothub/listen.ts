// Server plumbing every edgewise server shares (the emulator's MQTT and HTTPS, the hub's MQTT,
// gateway HTTPS and admin socket, the agent's workload sockets): listening as a promise that
// rejects with the bind error (a port in use, a missing address) instead of an 'error' event.
import type { Server } from 'node:net';

/** Listens on `host:port`, or on a unix socket path. */
export function listen(server: Server, where: { host: string; port: number } | string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    const ready = (): void => {
      server.off('error', reject);
      resolve();
    };
    if (typeof where === 'string') server.listen(where, ready);
    else server.listen(where.port, where.host, ready);
  });
}
