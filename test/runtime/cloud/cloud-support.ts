// What the service-side tests (rest, serve, cli, service-sdk) share: an emulator started
// in-process on ports the OS chooses in a temp folder, raw HTTPS calls with any token (for what
// the clients never send), and the CLI run as a child process (bin/edgewise.js, the built bundle).
// The device SDK clients (openDevice, openModule) are in sdk-clients.ts.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCloud, type CloudServeOptions, type RunningCloud } from '../../../src/runtime/cloud/cloud-server.js';
import { parseConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import { signSasToken } from '../../../src/runtime/iothub/sas.js';
import { ServiceClient } from '../../../src/runtime/cloud/service-client.js';
import { nowSeconds } from './sdk-clients.js';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const BIN = join(ROOT, 'bin', 'edgewise.js');

export interface TestCloud {
  folder: string;
  running: RunningCloud;
  client: ServiceClient;
  ca: string;
  /** Stops the emulator (again is fine) and removes its folder. */
  close(): Promise<void>;
}

export function tempFolder(prefix = 'edgewise-cloud-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startTestCloud(options: Partial<CloudServeOptions> = {}): Promise<TestCloud> {
  const folder = options.dataFolder ?? tempFolder();
  const running = await startCloud({ mqttPort: 0, httpsPort: 0, ...options, dataFolder: folder });
  return {
    folder,
    running,
    client: ServiceClient.fromDataFolder(folder),
    ca: readFileSync(running.info.ca, 'utf8'),
    close: async () => {
      await running.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A token of the iothubowner policy, as the service SDK signs it (sr = the hub's host name). */
export function ownerToken(cloud: TestCloud, expiresAtSeconds = nowSeconds() + 3600, keyOverride?: string, policy = 'iothubowner'): string {
  const settings = parseConnectionString(cloud.running.info.serviceConnectionString);
  return signSasToken(settings.HostName!, keyOverride ?? settings.SharedAccessKey!, expiresAtSeconds, policy);
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  body: unknown;
}

/** One HTTPS call to the emulator's REST API, with whatever authorization the test wants. */
export function rawRequest(cloud: TestCloud, method: string, path: string, options: { body?: unknown; authorization?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  const text = options.body === undefined ? undefined : JSON.stringify(options.body);
  const headers: Record<string, string> = { ...options.headers };
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (text !== undefined) headers['content-type'] = 'application/json; charset=utf-8';
  const { host, port } = cloud.running.info.https;
  return new Promise((resolve, reject) => {
    const call = request({ host, port, method, path, headers, ca: cloud.ca }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ status: response.statusCode!, headers: response.headers, text: body, body: body === '' ? undefined : JSON.parse(body) });
      });
    });
    call.on('error', reject);
    call.end(text);
  });
}

export interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI to its end. */
export function runCli(args: readonly string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
