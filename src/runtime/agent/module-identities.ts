// Module identities in the cloud, kept as IoT Edge's agent keeps them (Azure/iotedge edge-agent
// Edgelet/ModuleIdentityLifecycleManager.cs): every module of the deployment gets an identity,
// created with managedBy "IotEdge" when it has none; the identity of a module the deployment
// removed is deleted, but only when IoT Edge manages it (one made out of band is not the agent's).
// Deletes go first, as edgeAgent does, so a hub near its identity limit is not pushed over it.
// The edge device calls IoT Hub's registry with its own SAS token, as the identity service does
// on a real device (docs/FACTS.md §9: PUT|GET|DELETE /devices/{edge}/modules[/{m}]).
import { request } from 'node:https';
import { isIP } from 'node:net';
import { EdgewiseError } from '../../errors.js';
import { hostOnly } from '../hub/identity/host-name.js';
import { audiencePath } from '../iothub/client-identity.js';
import { signSasToken } from '../iothub/sas.js';

/** How the edge device reaches the cloud's registry: the hub's own connection. */
export interface RegistryConnection {
  /** HostName as the connection string writes it (it may carry the MQTT port): the SAS audience names it so. */
  hostName: string;
  /** The cloud's HTTPS port. */
  httpsPort: number;
  /** The edge device. */
  deviceId: string;
  /** The edge device's primary key. */
  key: string;
  /** PEM to trust; undefined: the system CAs. */
  ca?: string;
  timeoutMs?: number;
}

export interface CloudModuleIdentity {
  moduleId: string;
  generationId?: string;
  managedBy?: string | null;
}

export interface IdentityChanges {
  created: string[];
  deleted: string[];
}

/** edgeAgent's Constants.ModuleIdentityEdgeManagedByValue. */
export const EDGE_MANAGED_BY = 'IotEdge';

/** The cloud refused or could not be reached; the message says which, on one line. */
export class ModuleIdentityError extends EdgewiseError {
  override name = 'ModuleIdentityError';
  readonly code = 'module-identity';

  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

const API_VERSION = '2021-04-12';
const DEFAULT_TIMEOUT_MS = 15_000;
const TOKEN_LIFETIME_SECONDS = 3600;
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * Creates the identities of `wanted` that the cloud lacks and deletes those of `removed` that IoT
 * Edge manages. Resolves with what it changed.
 */
export async function syncModuleIdentities(connection: RegistryConnection, modules: { wanted: readonly string[]; removed: readonly string[] }): Promise<IdentityChanges> {
  const existing = new Map((await listModuleIdentities(connection)).map((identity) => [identity.moduleId, identity]));
  const wanted = new Set(modules.wanted);
  const deleted: string[] = [];
  for (const name of modules.removed) {
    const identity = existing.get(name);
    if (wanted.has(name) || !identity || identity.managedBy !== EDGE_MANAGED_BY) continue;
    await deleteModuleIdentity(connection, name);
    deleted.push(name);
  }
  const created: string[] = [];
  for (const name of modules.wanted) {
    if (existing.has(name)) continue;
    await createModuleIdentity(connection, name);
    created.push(name);
  }
  return { created, deleted };
}

export async function listModuleIdentities(connection: RegistryConnection): Promise<CloudModuleIdentity[]> {
  const { status, body } = await call(connection, 'GET', modulesPath(connection));
  if (status !== 200 || !Array.isArray(body)) throw refused('list the module identities of', connection.deviceId, status, body);
  return body.filter((entry): entry is CloudModuleIdentity => typeof entry === 'object' && entry !== null && typeof (entry as CloudModuleIdentity).moduleId === 'string');
}

/** Creates the identity; one made meanwhile by someone else (409) is taken as it is. */
export async function createModuleIdentity(connection: RegistryConnection, moduleId: string): Promise<void> {
  const body = { deviceId: connection.deviceId, moduleId, managedBy: EDGE_MANAGED_BY, authentication: { type: 'sas', symmetricKey: { primaryKey: '', secondaryKey: '' } } };
  const answer = await call(connection, 'PUT', `${modulesPath(connection)}/${encodeURIComponent(moduleId)}`, body);
  if (answer.status !== 200 && answer.status !== 201 && answer.status !== 409) throw refused('create the identity of module', `${connection.deviceId}/${moduleId}`, answer.status, answer.body);
}

/** Deletes the identity (with its twin); one already gone (404) is fine. */
export async function deleteModuleIdentity(connection: RegistryConnection, moduleId: string): Promise<void> {
  // The service SDK sends If-Match "*" to delete whatever the current etag is.
  const answer = await call(connection, 'DELETE', `${modulesPath(connection)}/${encodeURIComponent(moduleId)}`, undefined, { 'if-match': '"*"' });
  if (answer.status !== 200 && answer.status !== 204 && answer.status !== 404) throw refused('delete the identity of module', `${connection.deviceId}/${moduleId}`, answer.status, answer.body);
}

function modulesPath(connection: RegistryConnection): string {
  return `/devices/${encodeURIComponent(connection.deviceId)}/modules`;
}

function call(connection: RegistryConnection, method: string, path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<{ status: number; body: unknown }> {
  const host = hostOnly(connection.hostName);
  const text = body === undefined ? undefined : JSON.stringify(body);
  const authorization = signSasToken(connection.hostName + audiencePath({ deviceId: connection.deviceId }), connection.key, Math.floor(Date.now() / 1000) + TOKEN_LIFETIME_SECONDS);
  const headers: Record<string, string | number> = { authorization, 'user-agent': 'edgewise-agent', ...extraHeaders };
  if (text !== undefined) Object.assign(headers, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  const timeoutMs = connection.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const where = `${host}:${connection.httpsPort}`;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host,
        port: connection.httpsPort,
        method,
        path: `${path}?api-version=${API_VERSION}`,
        headers,
        ...(connection.ca === undefined ? {} : { ca: connection.ca }),
        // SNI carries names only, never addresses (RFC 6066 §3).
        ...(isIP(host) ? {} : { servername: host }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_RESPONSE_BYTES) outgoing.destroy(new ModuleIdentityError(`the cloud at ${where} answered more than ${MAX_RESPONSE_BYTES} bytes`));
          else chunks.push(chunk);
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: parseJson(Buffer.concat(chunks).toString('utf8')) }));
        response.on('error', (error) => reject(asIdentityError(error, where)));
      },
    );
    // A deadline for the whole call: a socket idle timeout would restart with every byte, and a cloud that never answers must not hold the agent.
    const deadline = setTimeout(() => outgoing.destroy(new ModuleIdentityError(`the cloud at ${where} did not answer within ${timeoutMs} ms`)), timeoutMs);
    outgoing.on('close', () => clearTimeout(deadline));
    outgoing.on('error', (error) => reject(asIdentityError(error, where)));
    outgoing.end(text);
  });
}

function asIdentityError(error: Error, where: string): ModuleIdentityError {
  if (error instanceof ModuleIdentityError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  if (code !== undefined && /CERT|SIGNATURE|ALTNAME/.test(code)) return new ModuleIdentityError(`the cloud's TLS certificate at ${where} is not trusted (${code}); give the CA that signed it (edgewise run --cloud-ca FILE)`);
  return new ModuleIdentityError(`cannot reach the cloud at ${where} (${code ?? error.message})`);
}

function refused(what: string, target: string, status: number, body: unknown): ModuleIdentityError {
  return new ModuleIdentityError(`the cloud refused to ${what} ${target}: HTTP ${status}${messageOf(body)}`, status);
}

/** IoT Hub's error bodies carry a Message. */
function messageOf(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const message = (body as Record<string, unknown>).Message ?? (body as Record<string, unknown>).message;
  return typeof message === 'string' ? ` (${message.replace(/\s+/g, ' ').slice(0, 300)})` : '';
}

function parseJson(text: string): unknown {
  try {
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  } catch {
    return undefined;
  }
}
