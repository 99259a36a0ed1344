// A TCP proxy between the hub and the emulator, to make the network fail the way networks do:
// cut() resets every connection through it at once (whatever was on the wire is lost, PUBACKs
// included) and resets each new one until restore(); a delay holds the server's bytes (to the
// client: CONNACKs, PUBACKs) for a while before passing them on, in order. The emulator's own
// restart needs no help from here: when it closes a connection, the proxy closes the client's.
import { createServer, connect, type Server, type Socket } from 'node:net';

export interface CutProxyOptions {
  listen: { host: string; port: number };
  target: { host: string; port: number };
}

export interface CutProxy {
  readonly port: number;
  /** Resets every connection now and refuses (resets) new ones; returns the moment (Date.now()). */
  cut(): number;
  restore(): void;
  readonly isCut: boolean;
  /** Milliseconds to hold each chunk the server sends (called per chunk); undefined: none. Bytes keep their order. */
  delayServerBytes(delay: (() => number) | undefined): void;
  /** Connections accepted and passed on so far. */
  readonly accepted: number;
  close(): Promise<void>;
}

interface Held {
  releaseAtMs: number;
  action: () => void;
}

interface Pair {
  client: Socket;
  server: Socket;
  /** What goes to the client, in order: each waits until its moment and until everything before it went. */
  held: Held[];
  timer: NodeJS.Timeout | undefined;
}

export async function startCutProxy(options: CutProxyOptions): Promise<CutProxy> {
  const pairs = new Set<Pair>();
  let cutNow = false;
  let accepted = 0;
  let delay: (() => number) | undefined;

  const drop = (pair: Pair): void => {
    if (!pairs.delete(pair)) return;
    clearTimeout(pair.timer);
    pair.held.length = 0;
    reset(pair.client);
    reset(pair.server);
  };

  const release = (pair: Pair): void => {
    pair.timer = undefined;
    while (pairs.has(pair) && pair.held.length > 0) {
      const waitMs = pair.held[0]!.releaseAtMs - Date.now();
      if (waitMs > 0) {
        pair.timer = setTimeout(() => release(pair), waitMs);
        return;
      }
      pair.held.shift()!.action();
    }
  };

  /** Runs `action` after `holdMs` and after every action held before it. */
  const afterHeld = (pair: Pair, action: () => void, holdMs = 0): void => {
    const last = pair.held[pair.held.length - 1]?.releaseAtMs ?? 0;
    pair.held.push({ releaseAtMs: Math.max(last, Date.now() + holdMs), action });
    if (pair.timer === undefined) release(pair);
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    if (cutNow) {
      reset(client);
      return;
    }
    accepted += 1;
    const upstream = connect({ host: options.target.host, port: options.target.port });
    const pair: Pair = { client, server: upstream, held: [], timer: undefined };
    pairs.add(pair);
    client.on('error', () => drop(pair));
    upstream.on('error', () => drop(pair));
    client.on('data', (chunk: Buffer) => {
      if (!upstream.write(chunk)) client.pause();
    });
    upstream.on('drain', () => client.resume());
    client.on('end', () => upstream.end());
    client.on('close', () => drop(pair));
    upstream.on('data', (chunk: Buffer) => afterHeld(pair, () => pair.client.write(chunk), delay?.() ?? 0));
    // The server's end reaches the client after the bytes still held, as on a slow link.
    upstream.on('end', () => afterHeld(pair, () => pair.client.end()));
    upstream.on('close', () => afterHeld(pair, () => drop(pair)));
    upstream.on('connect', () => client.resume());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.listen.port, options.listen.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;

  return {
    port,
    cut: () => {
      cutNow = true;
      const at = Date.now();
      for (const pair of [...pairs]) drop(pair);
      return at;
    },
    restore: () => {
      cutNow = false;
    },
    get isCut() {
      return cutNow;
    },
    delayServerBytes: (next) => {
      delay = next;
    },
    get accepted() {
      return accepted;
    },
    close: async () => {
      cutNow = true;
      for (const pair of [...pairs]) drop(pair);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A reset (RST), as a network failure looks to both ends, not a polite FIN. */
function reset(socket: Socket): void {
  if (socket.destroyed) return;
  if (socket.connecting) socket.destroy();
  else socket.resetAndDestroy();
}
