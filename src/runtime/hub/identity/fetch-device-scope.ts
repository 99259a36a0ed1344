// Reads this edge device's scope from the cloud, as edgeHub's DeviceScopeApiClient does
// (docs/FACTS.md §9): POST /devices/{edge}/modules/$edgeHub/devicesAndModulesInTargetDeviceScope
// with {pageSize, continuationLink, authChain}, page after page. Only the edge device, its modules
// and its direct children are kept: a device listed with another parent is out of scope.
import { request } from 'node:https';
import { isIP } from 'node:net';
import type { CachedIdentity } from '../hub-types.js';
import { audiencePath, type ClientIdentity } from '../../iothub/client-identity.js';
import { signSasToken } from '../../iothub/sas.js';
import { EdgewiseError } from '../../../errors.js';
import { hostOnly } from './host-name.js';
import { scopeIdentitiesOf, type ScopePage } from './scope-listing.js';

export interface FetchDeviceScopeOptions {
  /** HostName as written in the connection string (may carry the MQTT port); the SAS audience uses it as written. */
  hostName: string;
  httpsPort: number;
  edgeDeviceId: string;
  signWith: { identity: ClientIdentity; key: string };
  /** PEM to trust; undefined: the system CAs. */
  ca?: string;
  timeoutMs?: number;
  pageSize?: number;
  /** Aborts the listing: the request in flight is destroyed and the call rejects with DeviceScopeAbortedError. */
  signal?: AbortSignal;
}

/** The cloud could not be asked, or refused; the message says which and why, on one line. */
export class DeviceScopeError extends EdgewiseError {
  override name = 'DeviceScopeError';
  readonly code = 'device-scope-unavailable';

  constructor(
    message: string,
    /** The HTTP status when the cloud answered. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The listing was stopped by its caller (the hub is stopping), not refused by the cloud. */
export class DeviceScopeAbortedError extends DeviceScopeError {
  override name = 'DeviceScopeAbortedError';

  constructor() {
    super('the device-scope listing was stopped');
  }
}

// The API version edgeHub uses for the nested-scope call (its DeviceScopeApiClient).
const API_VERSION = '2020-09-30';
const DEFAULT_PAGE_SIZE = 100;
const DEFAULT_TIMEOUT_MS = 20_000;
/** Far beyond any real scope (IoT Hub caps a page at 1000): a cloud that never ends the listing is an error. */
const MAX_PAGES = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const TOKEN_LIFETIME_SECONDS = 3600;

export async function fetchDeviceScope(options: FetchDeviceScopeOptions): Promise<CachedIdentity[]> {
  const pages: ScopePage[] = [];
  const seenLinks = new Set<string>();
  // edgeHub's first request carries an empty continuation link.
  let continuationLink = '';
  for (let index = 0; index < MAX_PAGES; index += 1) {
    if (options.signal?.aborted) throw new DeviceScopeAbortedError();
    const page = await fetchPage(options, continuationLink);
    pages.push(page);
    if (page.continuationLink === undefined) return scopeIdentitiesOf(pages, options.edgeDeviceId);
    if (seenLinks.has(page.continuationLink)) throw new DeviceScopeError(`the cloud's device-scope listing loops (continuationLink ${page.continuationLink} came twice)`);
    seenLinks.add(page.continuationLink);
    continuationLink = page.continuationLink;
  }
  throw new DeviceScopeError(`the cloud's device-scope listing did not end after ${MAX_PAGES} pages`);
}

async function fetchPage(options: FetchDeviceScopeOptions, continuationLink: string): Promise<ScopePage> {
  const body = JSON.stringify({ pageSize: options.pageSize ?? DEFAULT_PAGE_SIZE, continuationLink, authChain: options.edgeDeviceId });
  const { status, text } = await post(options, body);
  const parsed = parseJson(text);
  if (status !== 200) throw new DeviceScopeError(`the cloud refused the device-scope listing: HTTP ${status}${messageOf(parsed)}`, status);
  const page = readPage(parsed);
  if (page === undefined) throw new DeviceScopeError('the cloud answered the device-scope listing with something that is not {devices, modules, continuationLink}', status);
  return page;
}

function post(options: FetchDeviceScopeOptions, body: string): Promise<{ status: number; text: string }> {
  const host = hostOnly(options.hostName);
  const resource = options.hostName + audiencePath(options.signWith.identity);
  const authorization = signSasToken(resource, options.signWith.key, Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS);
  const path = `/devices/${encodeURIComponent(options.edgeDeviceId)}/modules/$edgeHub/devicesAndModulesInTargetDeviceScope?api-version=${API_VERSION}`;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new DeviceScopeAbortedError());
      return;
    }
    const call = request(
      {
        host,
        port: options.httpsPort,
        method: 'POST',
        path,
        ...(options.ca === undefined ? {} : { ca: options.ca }),
        // SNI carries names only, never addresses (RFC 6066 §3).
        ...(isIP(host) ? {} : { servername: host }),
        headers: { authorization, 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), 'user-agent': 'edgewise-hub' },
        timeout: timeoutMs,
        // A cloud that accepts and never answers must not hold a stopping hub for the whole timeout.
        ...(options.signal === undefined ? {} : { signal: options.signal }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) call.destroy(new DeviceScopeError(`the cloud's device-scope page is larger than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('error', (error) => reject(asScopeError(error, options)));
      },
    );
    call.on('timeout', () => call.destroy(new DeviceScopeError(`the cloud did not answer the device-scope listing within ${timeoutMs} ms (${host}:${options.httpsPort})`)));
    call.on('error', (error) => reject(asScopeError(error, options)));
    call.end(body);
  });
}

function asScopeError(error: Error, options: FetchDeviceScopeOptions): DeviceScopeError {
  if (error instanceof DeviceScopeError) return error;
  if (options.signal?.aborted) return new DeviceScopeAbortedError();
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && /CERT|SIGNATURE|ALTNAME/.test(code)) {
    return new DeviceScopeError(`the cloud's TLS certificate at ${hostOnly(options.hostName)}:${options.httpsPort} is not trusted (${code}); give the CA that signed it (edgewise run --cloud-ca FILE)`);
  }
  return new DeviceScopeError(`cannot reach the cloud at ${hostOnly(options.hostName)}:${options.httpsPort} for the device-scope listing (${code ?? error.message})`);
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}

/** IoT Hub's error bodies carry a Message (emulator: {Message, ExceptionMessage}). */
function messageOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const message = (body as Record<string, unknown>).Message ?? (body as Record<string, unknown>).message;
  return typeof message === 'string' ? ` (${message.replace(/\s+/g, ' ').slice(0, 300)})` : '';
}

function readPage(body: unknown): ScopePage | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { devices, modules, continuationLink } = body as Record<string, unknown>;
  if (devices !== undefined && devices !== null && !Array.isArray(devices)) return undefined;
  if (modules !== undefined && modules !== null && !Array.isArray(modules)) return undefined;
  const link = typeof continuationLink === 'string' && continuationLink !== '' ? continuationLink : undefined;
  return { devices: (devices ?? []) as unknown[], modules: (modules ?? []) as unknown[], ...(link === undefined ? {} : { continuationLink: link }) };
}
