// The workload API on unix sockets, ONE PER MODULE (FOLDER/{module}.sock), as aziot-edged gives
// each module its own: the socket a request comes on says who asks, so a module cannot sign for
// another by naming it. The folder is 0700, so no other user of the machine reaches any socket;
// each socket is 0666 because a container sees only its own socket, bind-mounted, and may run as
// any user. Modules of the process backend run as the agent's user: nothing but the path they are
// given separates them (the same user may read the others' memory anyway).
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { InputError } from '../../../errors.js';
import { answerWorkloadRequest, type WorkloadKeys, type WorkloadResponse } from './workload-requests.js';
import { listen } from '../../iothub/listen.js';

export interface WorkloadServerOptions extends WorkloadKeys {
  /** Where the module sockets are made (created, and made 0700). */
  folder: string;
  /** Where refusals are logged, one line each (default: nowhere). */
  log?: (line: string) => void;
}

/** One module's socket. */
export interface WorkloadSocket {
  moduleId: string;
  /** Host path of the socket: bind-mount it for a container, or name it with workloadUriFor for a process. */
  socketPath: string;
  /** Stops serving it and removes the file (again is fine). */
  close(): Promise<void>;
}

export interface WorkloadServer {
  readonly folder: string;
  /** Serves this module's socket; the same socket again while it is open. Keep it across restarts of the module, close it on removal. */
  open(moduleId: string): Promise<WorkloadSocket>;
  close(): Promise<void>;
}

/** Linux's sun_path holds 108 bytes with the terminating NUL. */
const MAX_SOCKET_PATH_BYTES = 107;
/** A sign request is a few hundred bytes; far more is not one. */
const MAX_BODY_BYTES = 64 * 1024;
/**
 * Module names kept readable as file names; others (`$edgeAgent`, `a#b`, very long ones) get `~{digest}`, which no plain name can be.
 * Lower-case only: on a case-insensitive filesystem `Sensor` and `sensor` would share one socket.
 */
const PLAIN_NAME = /^[a-z0-9_-][a-z0-9._-]{0,63}$/;

export function workloadSocketFile(moduleId: string): string {
  return PLAIN_NAME.test(moduleId) ? `${moduleId}.sock` : `~${createHash('sha256').update(moduleId).digest('hex').slice(0, 24)}.sock`;
}

export async function startWorkloadServer(options: WorkloadServerOptions): Promise<WorkloadServer> {
  const folder = resolve(options.folder);
  mkdirSync(folder, { recursive: true, mode: 0o700 });
  chmodSync(folder, 0o700);
  const log = options.log ?? (() => undefined);
  const opened = new Map<string, Promise<WorkloadSocket>>();

  const open = (moduleId: string): Promise<WorkloadSocket> => {
    const existing = opened.get(moduleId);
    if (existing) return existing;
    const socket = serveModule(moduleId, join(folder, workloadSocketFile(moduleId)), options, log, () => opened.delete(moduleId));
    opened.set(moduleId, socket);
    socket.catch(() => opened.delete(moduleId));
    return socket;
  };
  return {
    folder,
    open,
    close: async () => {
      const sockets = await Promise.allSettled([...opened.values()]);
      await Promise.all(sockets.map((socket) => (socket.status === 'fulfilled' ? socket.value.close() : undefined)));
    },
  };
}

async function serveModule(moduleId: string, socketPath: string, keys: WorkloadKeys, log: (line: string) => void, forget: () => void): Promise<WorkloadSocket> {
  if (moduleId === '') throw new InputError('a module needs a name to get a workload socket', 'invalid-module-name');
  if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH_BYTES) {
    throw new InputError(`the workload socket ${socketPath} is too long a path for a unix socket (${MAX_SOCKET_PATH_BYTES} bytes); use a shorter --data folder`, 'data-folder-path-too-long');
  }
  const server = createServer((request, response) => serveRequest(moduleId, request, response, keys, log));
  server.on('clientError', (_error, socket) => socket.destroy());
  // The caller holds the data folder's lock: a socket file found here was left by an agent that was killed.
  rmSync(socketPath, { force: true });
  await listen(server, socketPath);
  chmodSync(socketPath, 0o666);
  let closing: Promise<void> | undefined;
  return {
    moduleId,
    socketPath,
    close: () => {
      closing ??= new Promise<void>((resolveClose) => {
        forget();
        server.close(() => resolveClose());
        server.closeAllConnections();
        rmSync(socketPath, { force: true });
      });
      return closing;
    },
  };
}

function serveRequest(moduleId: string, request: IncomingMessage, response: ServerResponse, keys: WorkloadKeys, log: (line: string) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  });
  request.on('error', () => response.destroy());
  request.on('end', () => {
    const answer: WorkloadResponse =
      size > MAX_BODY_BYTES
        ? { status: 413, body: { message: `the request body is over ${MAX_BODY_BYTES} bytes; a sign request is a few hundred` } }
        : answerWorkloadRequest(moduleId, { method: request.method ?? 'GET', url: request.url ?? '/', body: size === 0 ? undefined : Buffer.concat(chunks) }, keys);
    if ('message' in answer.body) log(`workload API (${moduleId}): ${request.method} ${request.url?.split('?')[0]} refused ${answer.status}: ${answer.body.message}`);
    const text = JSON.stringify(answer.body);
    response.writeHead(answer.status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
}
