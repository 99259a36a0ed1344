// What the gateway HTTPS tests share: TLS material for the address the SDK dials, a SAS check
// for one calling module, and raw HTTPS calls for what the SDK never sends.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureCertificates, type CloudCertificates } from '../../../../src/runtime/data-folder/certificates.js';
import type { ClientIdentity } from '../../../../src/runtime/iothub/client-identity.js';
import { audiencePath } from '../../../../src/runtime/iothub/client-identity.js';
import { verifySasToken } from '../../../../src/runtime/iothub/sas.js';

/** The hub name in connection strings: tokens are signed for it, never dialled. */
export const HUB_NAME = 'gateway-test.azure-devices.net';
export const EDGE = 'edge';
/** base64 of 32 bytes: the calling module's key. */
export const CALLER_KEY = Buffer.alloc(32, 7).toString('base64');
export const CALLER: ClientIdentity = { deviceId: EDGE, moduleId: 'caller' };

export function makeCertificates(address: string): { certificates: CloudCertificates; cleanup(): void } {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-gateway-'));
  const certificates = ensureCertificates(folder, { address, names: ['localhost'] });
  return { certificates, cleanup: () => rmSync(folder, { recursive: true, force: true }) };
}

/** Accepts a token of CALLER signed with CALLER_KEY for the hub's name, as authenticateFromCache would. */
export function verifyCaller(authorization: string | undefined, caller: ClientIdentity): boolean {
  if (authorization === undefined || caller.deviceId !== CALLER.deviceId || caller.moduleId !== CALLER.moduleId) return false;
  return verifySasToken(authorization, { audiences: [`${HUB_NAME}${audiencePath(caller)}`], keys: [CALLER_KEY], nowSeconds: Math.floor(Date.now() / 1000) }) === 'ok';
}

export interface RawAnswer {
  status: number;
  contentType: string | undefined;
  text: string;
}

export function post(address: string, port: number, ca: string, path: string, options: { body?: string; headers?: Record<string, string>; method?: string }): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const call = request({ host: address, port, method: options.method ?? 'POST', path, ca, headers: { 'content-type': 'application/json', ...options.headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, contentType: response.headers['content-type'], text: Buffer.concat(chunks).toString('utf8') }));
    });
    call.on('error', reject);
    call.end(options.body);
  });
}
