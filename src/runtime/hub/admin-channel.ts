// The hub's local admin channel: a unix socket DIR/hub.sock that only its owner may open (mode
// 0600), speaking JSON lines: one request per line, one response per line, in order. `edgewise
// hub status` and `edgewise hub upstream cut|restore` talk to the running hub through it.
// The socket is bound inside a fresh 0700 folder, made 0600, then renamed into place, so there
// is no moment when others could connect to it (bind creates it with the process umask).
import { chmodSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { listen } from '../iothub/listen.js';

export const ADMIN_SOCKET_FILE = 'hub.sock';

export type UpstreamAction = 'cut' | 'restore';
export type AdminRequest = { command: 'status' } | { command: 'upstream'; action: UpstreamAction };
export type AdminResponse = { ok: true; result: unknown } | { ok: false; error: string };

export interface AdminChannel {
  readonly path: string;
  close(): Promise<void>;
}

/** Linux's sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
/** A request is a few dozen bytes; a longer line is not one of ours. */
const MAX_REQUEST_BYTES = 64 * 1024;

export function adminSocketPath(dataFolder: string): string {
  return join(dataFolder, ADMIN_SOCKET_FILE);
}

/** The request a line holds, or why it is none. */
export function parseAdminRequest(line: string): AdminRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'a request is one JSON object per line';
  }
  const request = value as { command?: unknown; action?: unknown };
  if (request?.command === 'status') return { command: 'status' };
  if (request?.command === 'upstream') {
    if (request.action === 'cut' || request.action === 'restore') return { command: 'upstream', action: request.action };
    return 'upstream takes "action": "cut" or "restore"';
  }
  return 'unknown command; the hub answers "status" and "upstream"';
}

/**
 * Listens on DIR/hub.sock. The caller holds the data folder's lock, so a socket file found there
 * was left by a hub that was killed: it is replaced.
 */
export async function startAdminChannel(dataFolder: string, handle: (request: AdminRequest) => Promise<unknown> | unknown): Promise<AdminChannel> {
  const path = adminSocketPath(dataFolder);
  rmSync(path, { force: true });
  const privateFolder = mkdtempSync(join(dataFolder, '.a'));
  const bound = join(privateFolder, ADMIN_SOCKET_FILE);
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveConnection(socket, handle);
  });
  try {
    if (Buffer.byteLength(bound) > MAX_SOCKET_PATH_BYTES) {
      throw new InputError(`the data folder ${dataFolder} is too long a path for the hub's admin socket (unix sockets allow ${MAX_SOCKET_PATH_BYTES} bytes); use a shorter --data`, 'data-folder-path-too-long');
    }
    await listen(server, bound);
    chmodSync(bound, 0o600);
    renameSync(bound, path);
  } catch (error) {
    server.close();
    throw error;
  } finally {
    rmSync(privateFolder, { recursive: true, force: true });
  }
  let closing: Promise<void> | undefined;
  return {
    path,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
        rmSync(path, { force: true });
      });
      return closing;
    },
  };
}

/** Answers each line of one connection in order; a line too long or a broken socket ends it. */
function serveConnection(socket: Socket, handle: (request: AdminRequest) => Promise<unknown> | unknown): void {
  let buffered = '';
  let queue = Promise.resolve();
  socket.setEncoding('utf8');
  socket.on('error', () => socket.destroy());
  socket.on('data', (chunk: string) => {
    buffered += chunk;
    let newline: number;
    while ((newline = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, newline).trim();
      buffered = buffered.slice(newline + 1);
      if (line !== '') queue = queue.then(() => answer(socket, line, handle));
    }
    if (buffered.length > MAX_REQUEST_BYTES) socket.destroy();
  });
}

async function answer(socket: Socket, line: string, handle: (request: AdminRequest) => Promise<unknown> | unknown): Promise<void> {
  const request = parseAdminRequest(line);
  let response: AdminResponse;
  if (typeof request === 'string') {
    response = { ok: false, error: request };
  } else {
    try {
      response = { ok: true, result: await handle(request) };
    } catch (error) {
      response = { ok: false, error: (error as Error).message ?? String(error) };
    }
  }
  if (!socket.destroyed) socket.write(`${JSON.stringify(response)}\n`);
}
