// The other end of the admin channel (admin-channel.ts): one request to the hub running on a
// data folder, one answer. No hub there (no socket, or nobody listening on it) is one clear
// error, which the CLI turns into exit 2.
import { createConnection } from 'node:net';
import { InputError } from '../../errors.js';
import { adminSocketPath, type AdminRequest, type AdminResponse } from './admin-channel.js';

/** No hub serves the data folder. */
export class NoHubError extends InputError {
  constructor(folder: string) {
    super(`no edge hub runs on ${folder}: start one with \`edgewise run MANIFEST --connection-string CS --data ${folder}\``, 'no-hub');
  }
}

/** The hub answered, but refused the request. */
export class AdminRequestError extends InputError {
  constructor(message: string) {
    super(`the edge hub refused the request: ${message}`, 'admin-request-refused');
  }
}

const DEFAULT_TIMEOUT_MS = 10_000;

/** Sends one request and resolves with the hub's result. */
export function askHub(dataFolder: string, request: AdminRequest, options: { timeoutMs?: number } = {}): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(adminSocketPath(dataFolder));
    let buffered = '';
    let settled = false;
    const settle = (outcome: () => void): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      outcome();
    };
    socket.setTimeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => settle(() => reject(new InputError(`the edge hub on ${dataFolder} did not answer in time; is it stuck? Its log is on its stderr`, 'hub-not-answering'))));
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      buffered += chunk;
      const newline = buffered.indexOf('\n');
      if (newline === -1) return;
      settle(() => {
        const response = parseResponse(buffered.slice(0, newline));
        if (response === undefined) reject(new InputError(`the edge hub on ${dataFolder} answered something that is not an admin response`, 'hub-bad-answer'));
        else if (response.ok) resolve(response.result);
        else reject(new AdminRequestError(response.error));
      });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      settle(() => {
        if (error.code === 'ENOENT' || error.code === 'ECONNREFUSED' || error.code === 'ENOTDIR') reject(new NoHubError(dataFolder));
        else if (error.code === 'EACCES') reject(new InputError(`no permission to open ${adminSocketPath(dataFolder)}: only the user who runs the hub may talk to it`, 'hub-access-denied'));
        else reject(new InputError(`cannot reach the edge hub on ${dataFolder} (${error.code ?? error.message})`, 'hub-unreachable'));
      });
    });
    socket.on('close', () => settle(() => reject(new NoHubError(dataFolder))));
  });
}

function parseResponse(line: string): AdminResponse | undefined {
  try {
    const value = JSON.parse(line) as AdminResponse;
    if (value?.ok === true && 'result' in value) return value;
    if (value?.ok === false && typeof value.error === 'string') return value;
  } catch {
    // not JSON: handled by the caller
  }
  return undefined;
}
