// The workload API's answers, as iotedged gives them (edgelet/api/workloadVersion_2018_06_28.yaml;
// docs/FACTS.md §6): `GET /trust-bundle` → {certificate}, `POST /modules/{m}/genid/{g}/sign` →
// {digest}, every error `{message}`. The caller is the module whose socket the request came on,
// never the name in the path: a module signs only for itself (aziot-edged's auth_caller refuses
// others with 403 "module not authorized to access endpoint"), and only for the generation the
// cloud has (edgelet 1.0 keyed module keys by generation: another one is 404 "Module not found").
import { createHmac } from 'node:crypto';
import type { ClientIdentity } from '../../iothub/client-identity.js';

/** The api-versions edgelet accepts on the workload API (edgelet-http ApiVersion); the Node SDK sends the first. */
export const WORKLOAD_API_VERSIONS = ['2018-06-28', '2019-01-30', '2019-10-22', '2019-11-05', '2020-07-07', '2021-12-07', '2022-08-03'] as const;

/** What signs for the modules of one edge device: the hub's identity cache and the edge CA. */
export interface WorkloadKeys {
  edgeDeviceId: string;
  /** The identity's primary key (base64), or undefined while the hub does not know it. */
  keyOf(identity: ClientIdentity): string | undefined;
  generationOf(identity: ClientIdentity): string | undefined;
  /** PEM of the CA modules trust: the hub's edge CA. */
  trustBundle(): string;
}

export interface WorkloadRequest {
  method: string;
  /** Path and query, as the request line has it. */
  url: string;
  body?: Buffer;
}

export interface WorkloadResponse {
  status: number;
  body: { certificate: string } | { digest: string } | { message: string };
}

const SIGN_PATH = /^\/modules\/([^/]+)\/genid\/([^/]+)\/sign$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const SERVED = 'this workload API serves GET /trust-bundle and POST /modules/{module}/genid/{generation}/sign';

/** Answers one request that came on `caller`'s socket. */
export function answerWorkloadRequest(caller: string, request: WorkloadRequest, keys: WorkloadKeys): WorkloadResponse {
  // Split by hand: a URL parser would read a path that starts with `//` as a host.
  const queryAt = request.url.indexOf('?');
  const path = queryAt === -1 ? request.url : request.url.slice(0, queryAt);
  const query = new URLSearchParams(queryAt === -1 ? '' : request.url.slice(queryAt + 1));
  const sign = SIGN_PATH.exec(path);
  if (path !== '/trust-bundle' && !sign) return refuse(404, `no such workload API path ${path}; ${SERVED}`);
  const expectedMethod = sign ? 'POST' : 'GET';
  if (request.method !== expectedMethod) return refuse(405, `${request.method} ${path} is not served; use ${expectedMethod}`);
  const versionProblem = apiVersionProblem(query.get('api-version'));
  if (versionProblem) return refuse(400, versionProblem);
  if (!sign) return { status: 200, body: { certificate: keys.trustBundle() } };
  const moduleId = decodeSegment(sign[1]!);
  const generationId = decodeSegment(sign[2]!);
  if (moduleId === undefined || generationId === undefined) return refuse(400, `the path ${path} is not validly percent-encoded`);
  return answerSign(caller, moduleId, generationId, request.body, keys);
}

function answerSign(caller: string, moduleId: string, generationId: string, body: Buffer | undefined, keys: WorkloadKeys): WorkloadResponse {
  if (moduleId !== caller) return refuse(403, `module not authorized to access endpoint: this socket belongs to module ${caller}, which may sign only for itself, not for ${moduleId}`);
  const identity = { deviceId: keys.edgeDeviceId, moduleId };
  const key = keys.keyOf(identity);
  const actualGeneration = keys.generationOf(identity);
  if (key === undefined || actualGeneration === undefined) return refuse(404, `Module not found: the hub does not know the identity ${keys.edgeDeviceId}/${moduleId} (yet); it signs once the module's identity has reached its identity cache`);
  if (generationId !== actualGeneration) return refuse(404, `Module not found: ${moduleId} is generation ${actualGeneration} in the cloud, not ${generationId}; the module identity was recreated, so the module must be recreated with the new IOTEDGE_MODULEGENERATIONID`);
  const parsed = parseSignRequest(body);
  if ('status' in parsed) return parsed;
  return { status: 200, body: { digest: createHmac('sha256', Buffer.from(key, 'base64')).update(parsed.data).digest('base64') } };
}

/** The data a sign request carries, or the refusal. keyId and algo may be left out, as aziot-edged ignores them. */
function parseSignRequest(body: Buffer | undefined): { data: Buffer } | WorkloadResponse {
  const expected = 'expected JSON {"keyId":"primary","algo":"HMACSHA256","data":"<base64>"}';
  let value: unknown;
  try {
    value = JSON.parse(body?.toString('utf8') ?? '');
  } catch {
    return refuse(400, `Bad body: ${expected}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(400, `Bad body: ${expected}`);
  const { keyId, algo, data } = value as Record<string, unknown>;
  if (keyId !== undefined && keyId !== 'primary') return refuse(400, `keyId ${JSON.stringify(keyId)} is not served; modules sign with "primary"`);
  if (algo !== undefined && algo !== 'HMACSHA256') return refuse(400, `algo ${JSON.stringify(algo)} is not served; the workload API signs with "HMACSHA256"`);
  if (typeof data !== 'string') return refuse(400, `Bad body: "data" is missing; ${expected}`);
  // iotedged answers 422 for data that is not base64 (edgelet-http-workload sign.rs).
  if (!BASE64.test(data)) return refuse(422, 'Invalid base64 string in "data"');
  return { data: Buffer.from(data, 'base64') };
}

function apiVersionProblem(version: string | null): string | undefined {
  const supported = WORKLOAD_API_VERSIONS.join(', ');
  if (version === null || version === '') return `the api-version query parameter is missing; add ?api-version=${WORKLOAD_API_VERSIONS[0]} (served: ${supported})`;
  if (!(WORKLOAD_API_VERSIONS as readonly string[]).includes(version)) return `api-version ${version} is not a workload API version; use one of ${supported}`;
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function refuse(status: number, message: string): WorkloadResponse {
  return { status, body: { message } };
}
