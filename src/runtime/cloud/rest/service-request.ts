// One call to the service REST API, as a service SDK makes it (docs/FACTS.md §9): HTTPS trusting
// the emulator's CA, a SharedAccessSignature of the iothubowner policy valid for an hour, JSON in
// and out, and an error answer turned back into the CloudError it came from.
import { request as httpsRequest } from 'node:https';
import { CloudError } from '../cloud-error.js';
import { signSasToken } from '../../iothub/sas.js';

/** The api-version the Node service SDK sends; the emulator takes any. */
const API_VERSION = '2021-04-12';
const TOKEN_SECONDS = 3600;

export interface ServiceEndpoint {
  host: string;
  port: number;
  /** PEM text of the CA to trust. */
  ca: string;
  /** The host name tokens are signed for. */
  hostName: string;
  keyName: string;
  key: string;
}

export interface ServiceCall {
  method: string;
  /** Path and query, without api-version. */
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** Safety net against a server that never answers. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The server could not be reached at all (nothing listens, or it went away). */
export class EmulatorUnreachableError extends Error {
  override name = 'EmulatorUnreachableError';
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'EPIPE']);

export function serviceRequest(endpoint: ServiceEndpoint, call: ServiceCall): Promise<unknown> {
  const text = call.body === undefined ? undefined : JSON.stringify(call.body);
  const token = signSasToken(endpoint.hostName, endpoint.key, Math.ceil(Date.now() / 1000) + TOKEN_SECONDS, endpoint.keyName);
  const headers: Record<string, string | number> = { authorization: token, accept: 'application/json', ...call.headers };
  if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  const path = `${call.path}${call.path.includes('?') ? '&' : '?'}api-version=${API_VERSION}`;
  return new Promise((resolve, reject) => {
    const request = httpsRequest({ host: endpoint.host, port: endpoint.port, method: call.method, path, headers, ca: endpoint.ca, signal: call.signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('error', reject);
      response.on('end', () => {
        const body = parseBody(Buffer.concat(chunks).toString('utf8'));
        const status = response.statusCode ?? 500;
        if (status < 300) resolve(body);
        else reject(cloudErrorOf(status, response.headers['iothub-errorcode'], body));
      });
    });
    request.setTimeout(call.timeoutMs ?? 30_000, () => request.destroy(new Error(`the emulator at ${endpoint.host}:${endpoint.port} did not answer in time`)));
    request.on('error', (error: NodeJS.ErrnoException) => reject(error.code !== undefined && UNREACHABLE.has(error.code) ? new EmulatorUnreachableError(error.message) : error));
    request.end(text);
  });
}

function parseBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** IoT Hub's error body, either form (error-response.ts), back into a CloudError. */
export function cloudErrorOf(status: number, header: string | string[] | undefined, body: unknown): CloudError {
  const headerCode = Array.isArray(header) ? header[0] : header;
  const raw = typeof body === 'object' && body !== null ? (body as { Message?: unknown }).Message : undefined;
  let code = headerCode;
  let message = typeof raw === 'string' ? raw : `the emulator answered ${status}`;
  if (typeof raw === 'string') {
    const classic = /^ErrorCode:([^;]*);([\s\S]*)$/.exec(raw);
    if (classic) {
      code ??= classic[1];
      message = classic[2]!;
    } else {
      try {
        const inner = JSON.parse(raw) as { message?: unknown };
        if (typeof inner.message === 'string') message = inner.message;
      } catch {
        // a plain text message is kept as it is
      }
    }
  }
  return new CloudError(status, code ?? 'Unknown', message);
}
