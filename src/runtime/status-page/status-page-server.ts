// `edgewise run --ui-port`: a small HTTP server on loopback for a person watching the runtime. It
// serves the page (HTML, its script and stylesheet, uPlot), samples the hub's status twice a
// second into a history (status-history.ts), answers the page's polls (GET /api/status) and its
// Cut/Restore button (POST /api/upstream, the hub's simulated outage, as `edgewise hub upstream
// cut|restore`). Who may do what is page-access.ts's job. close() stops sampling and drops every
// connection, so `edgewise run` stops at once even with a browser tab open.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HubStatus } from '../hub/index.js';
import { listening } from '../hub/listening.js';
import { chartLibrary } from './chart-library.js';
import { hostAllowed, newPageToken, originAllowed, pageHosts, TOKEN_HEADER, tokenMatches } from './page-access.js';
import { ASSET_PATHS, NO_TOKEN_DOCUMENT, pageDocument } from './page-document.js';
import { PAGE_POLL_MS, PAGE_SCRIPT } from './page-script.js';
import { PAGE_STYLESHEET } from './page-style.js';
import { StatusHistory } from './status-history.js';
import { statusSnapshot, type ModuleStateLike } from './status-snapshot.js';

/** What the page reads and drives: a RunningHub fits. */
export interface StatusPageHub {
  status(): HubStatus;
  cut(): Promise<void>;
  restore(): Promise<void>;
}

export interface StatusPageOptions {
  hub: StatusPageHub;
  /** The agent's module states; leave out when no agent runs (the page says modules are not started). */
  modules?: () => Record<string, ModuleStateLike>;
  /** A loopback address (statusPageAddress() picks one). */
  address: string;
  /** 0: the system chooses. */
  port: number;
  log?: (line: string) => void;
  /** How often the hub's status is sampled for the charts (default: as often as the page polls). */
  sampleIntervalMs?: number;
}

export interface RunningStatusPage {
  /** The address to open, with the run's token. */
  url: string;
  address: string;
  port: number;
  close(): Promise<void>;
}

/** An action is `{"action":"cut"}`; anything far longer is not one. */
const MAX_ACTION_BYTES = 1024;

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  // The page's address carries the token: it is never sent on as a Referer.
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
};

interface Reply {
  status: number;
  type: string;
  body: string | Buffer;
  headers?: Record<string, string>;
}

export async function startStatusPage(options: StatusPageOptions): Promise<RunningStatusPage> {
  const token = newPageToken();
  const history = new StatusHistory();
  const log = options.log ?? (() => undefined);
  const chart = chartLibrary();
  const assets = new Map<string, Reply>([
    [ASSET_PATHS.chartScript, { status: 200, type: 'text/javascript; charset=utf-8', body: chart.script }],
    [ASSET_PATHS.chartStylesheet, { status: 200, type: 'text/css; charset=utf-8', body: chart.stylesheet }],
    [ASSET_PATHS.pageScript, { status: 200, type: 'text/javascript; charset=utf-8', body: PAGE_SCRIPT }],
    [ASSET_PATHS.pageStylesheet, { status: 200, type: 'text/css; charset=utf-8', body: PAGE_STYLESHEET }],
  ]);

  const sample = (): void => {
    try {
      history.record(options.hub.status(), Date.now());
    } catch {
      // The hub is closing (its store is shut): the page stops with it.
    }
  };
  sample();
  const sampler = setInterval(sample, options.sampleIntervalMs ?? PAGE_POLL_MS);
  sampler.unref();

  let hosts = new Set<string>();
  const route = async (request: IncomingMessage): Promise<Reply> => {
    if (!hostAllowed(hosts, request.headers.host)) return text(403, 'this page answers only to its own address; open the address edgewise run printed');
    const url = new URL(request.url ?? '/', 'http://page.invalid');
    const asset = assets.get(url.pathname);
    if (asset !== undefined) return request.method === 'GET' || request.method === 'HEAD' ? asset : notAllowed('GET');
    if (url.pathname === '/') {
      if (request.method !== 'GET' && request.method !== 'HEAD') return notAllowed('GET');
      if (!tokenMatches(token, url.searchParams.get('token'))) return { status: 403, type: 'text/html; charset=utf-8', body: NO_TOKEN_DOCUMENT };
      return { status: 200, type: 'text/html; charset=utf-8', body: pageDocument(token) };
    }
    if (url.pathname === '/api/status') {
      if (request.method !== 'GET') return notAllowed('GET');
      if (!tokenMatches(token, request.headers[TOKEN_HEADER])) return json(403, { error: `send the run's token in ${TOKEN_HEADER}` });
      const since = Number(url.searchParams.get('since') ?? 0);
      return json(200, statusSnapshot(options.hub.status(), options.modules?.(), history.after(Number.isSafeInteger(since) && since > 0 ? since : 0)));
    }
    if (url.pathname === '/api/upstream') {
      if (request.method !== 'POST') return notAllowed('POST');
      if (!tokenMatches(token, request.headers[TOKEN_HEADER])) return json(403, { error: `send the run's token in ${TOKEN_HEADER}` });
      if (!originAllowed(hosts, request.headers.origin)) return json(403, { error: 'only the status page itself may cut or restore the upstream' });
      const action = await readAction(request);
      if (action === undefined) return json(400, { error: 'send {"action": "cut"} or {"action": "restore"} as application/json' });
      await (action === 'cut' ? options.hub.cut() : options.hub.restore());
      log(`status page: upstream ${action === 'cut' ? 'cut' : 'restored'}`);
      sample();
      return json(200, { upstream: options.hub.status().upstream });
    }
    return text(404, 'not found');
  };

  const server = createServer((request, response) => {
    route(request)
      .catch((error: unknown) => json(500, { error: (error as Error).message ?? String(error) }))
      .then((reply) => send(response, reply, request.method === 'HEAD'));
  });
  try {
    await listening('--ui-port', options.address, options.port, (port) => listen(server, options.address, port));
  } catch (error) {
    clearInterval(sampler);
    throw error;
  }
  const port = (server.address() as AddressInfo).port;
  hosts = pageHosts(options.address, port);
  const host = options.address.includes(':') ? `[${options.address}]` : options.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/?token=${token}`,
    address: options.address,
    port,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(sampler);
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

/** The action a POST body names, or undefined when it is not JSON of ours. */
async function readAction(request: IncomingMessage): Promise<'cut' | 'restore' | undefined> {
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) return undefined;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_ACTION_BYTES) return undefined;
    chunks.push(chunk);
  }
  try {
    const action = (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { action?: unknown } | null)?.action;
    return action === 'cut' || action === 'restore' ? action : undefined;
  } catch {
    return undefined;
  }
}

function send(response: ServerResponse, reply: Reply, headOnly: boolean): void {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : reply.body;
  response.writeHead(reply.status, { ...SECURITY_HEADERS, 'content-type': reply.type, 'content-length': body.length, 'cache-control': 'no-store', ...reply.headers });
  response.end(headOnly ? undefined : body);
}

function json(status: number, value: unknown): Reply {
  return { status, type: 'application/json; charset=utf-8', body: JSON.stringify(value) };
}

function text(status: number, message: string): Reply {
  return { status, type: 'text/plain; charset=utf-8', body: `${message}\n` };
}

function notAllowed(allow: string): Reply {
  return { ...text(405, `use ${allow}`), headers: { allow } };
}
