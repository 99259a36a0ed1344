// The two servers the wire tests attack, each as the user runs it, in a child process of its own
// (bin/edgewise.js, the built bundle), so "the server stays up" means the process is still there:
// the emulator (`edgewise cloud serve`) and the edge hub (`edgewise run`, its cloud that emulator).
// Both run with 1,024 file descriptors (`ulimit -n`, a common soft limit), so a flood that holds
// sockets open runs into the limit a real device has rather than this machine's. The emulator holds
// the edge device `edge` with its modules `filter` and `sink`, and the edge device's children the
// tests log in as; the hub's scope is that edge device, so the same identities work on both.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CloudInfo } from '../../../src/runtime/cloud/cloud-info.js';
import { ServiceClient, type CloudMessage } from '../../../src/runtime/cloud/service-client.js';
import { deviceConnectionString } from '../../../src/runtime/iothub/connection-strings.js';
import type { HubInfo } from '../../../src/runtime/hub/hub-info.js';
import { signSasToken } from '../../../src/runtime/iothub/sas.js';
import { BIN, ROOT } from '../../runtime/cloud/cloud-support.js';
import { hubManifest, writeManifest } from '../../runtime/hub/assembly/hub-support.js';

export const API_VERSION = '2021-04-12';
export const EDGE = 'edge';
/** The edge device's modules (in the hub's manifest and the emulator's registry). */
export const MODULES = ['filter', 'sink'] as const;
/** File descriptors each server process gets. */
export const SERVER_FILE_LIMIT = 1024;

/** One MQTT server under attack, and what a client needs to speak to it. */
export interface WireServer {
  readonly name: 'emulator' | 'hub';
  readonly host: string;
  readonly port: number;
  /** Its HTTPS port: the service REST API (emulator) or the gateway (hub). */
  readonly httpsPort: number;
  readonly ca: string;
  /** The host name usernames and SAS audiences name. */
  readonly hostName: string;
  readonly pid: number;
  /** A SAS token for an identity of the scenario, signed with its key unless another is given. */
  token(clientId: string, expiresAtSeconds: number, options?: { key?: string; audienceHost?: string }): string;
  /** `{hostName}/{clientId}/?api-version=…`. */
  username(clientId: string): string;
  /** Whether its process still runs. */
  alive(): boolean;
  /** Its resident memory now, in KiB (0 once it has gone). */
  residentKiB(): number;
  /** How many file descriptors it has open now (0 once it has gone). */
  openFiles(): number;
  /** What it wrote to stderr (the hub's log; the emulator's internal errors). */
  log(): string;
}

export interface WireWorld {
  emulator: WireServer;
  hub: WireServer;
  /** The emulator's service API (identities, the telemetry log). */
  service: ServiceClient;
  /** The keys of the edge device's children and modules, by client id. */
  keys: ReadonlyMap<string, string>;
  /** What the emulator wrote to cloud.json (its ports, CA, service connection string). */
  cloudInfo: CloudInfo;
  /** Every device-to-cloud message the emulator holds, in arrival order. */
  cloudMessages(): Promise<CloudMessage[]>;
  close(): Promise<void>;
}

interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  stderr: () => string;
  exited: Promise<void>;
}

/** Starts the emulator on `addresses.emulator`, then the hub on `addresses.hub`, with these children of the edge device. */
export async function startWireWorld(addresses: { emulator: string; hub: string }, children: readonly string[]): Promise<WireWorld> {
  const folder = mkdtempSync(join(tmpdir(), 'edgewise-fuzz-wire-'));
  const processes: ServerProcess[] = [];
  const close = async (): Promise<void> => {
    // The hub first: it would otherwise log its lost link to a cloud that went away.
    for (const server of processes.reverse()) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    rmSync(folder, { recursive: true, force: true });
  };
  try {
    const cloudFolder = join(folder, 'cloud');
    const cloudProcess = await startServer(['cloud', 'serve', '--data', cloudFolder, '--address', addresses.emulator, '--mqtt-port', '0', '--https-port', '0'], {});
    processes.push(cloudProcess);
    const cloudInfo = JSON.parse(readFileSync(join(cloudFolder, 'cloud.json'), 'utf8')) as CloudInfo;
    const service = ServiceClient.fromDataFolder(cloudFolder);
    const keys = new Map<string, string>();
    const edge = await service.createDevice(EDGE, { edge: true });
    keys.set(EDGE, edge.authentication.symmetricKey.primaryKey);
    for (const module of MODULES) keys.set(`${EDGE}/${module}`, (await service.createModule(EDGE, module)).authentication.symmetricKey.primaryKey);
    for (const child of children) keys.set(child, (await service.createDevice(child, { parent: edge })).authentication.symmetricKey.primaryKey);
    const cloudHost = `${cloudInfo.mqtt.host}:${cloudInfo.mqtt.port}`;
    const emulator = wireServer('emulator', cloudProcess, { host: cloudInfo.mqtt.host, port: cloudInfo.mqtt.port, httpsPort: cloudInfo.https.port, ca: readFileSync(cloudInfo.ca, 'utf8'), hostName: cloudHost }, keys);

    const hubFolder = join(folder, 'hub');
    const manifest = writeManifest(folder, hubManifest({ everything: 'FROM /messages/* INTO $upstream' }));
    const hubArgs = ['run', manifest, '--data', hubFolder, '--address', addresses.hub, '--mqtt-port', '0', '--https-port', '0', '--cloud-ca', cloudInfo.ca, '--cloud-https-port', String(cloudInfo.https.port)];
    // The connection string goes by environment, not argv, as the README advises.
    const hubProcess = await startServer(hubArgs, { EDGEWISE_CONNECTION_STRING: deviceConnectionString(cloudHost, EDGE, keys.get(EDGE)!) });
    processes.push(hubProcess);
    const hubInfo = JSON.parse(readFileSync(join(hubFolder, 'hub.json'), 'utf8')) as HubInfo;
    const hub = wireServer('hub', hubProcess, { host: hubInfo.mqtt.host, port: hubInfo.mqtt.port, httpsPort: hubInfo.https.port, ca: readFileSync(hubInfo.ca, 'utf8'), hostName: hubInfo.mqtt.host }, keys);

    return {
      emulator,
      hub,
      service,
      keys,
      cloudInfo,
      cloudMessages: async () => {
        const all: CloudMessage[] = [];
        for (;;) {
          const page = await service.readMessages((all.at(-1)?.sequenceNumber ?? 0) + 1, { limit: 5000 });
          all.push(...page);
          if (page.length < 5000) return all;
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Starts one server with the file limit; resolves once it printed its first line (it listens by then). */
function startServer(args: readonly string[], env: NodeJS.ProcessEnv): Promise<ServerProcess> {
  // `ulimit -n` in sh sets the soft and the hard limit, so Node cannot raise it again at start.
  const child = spawn('sh', ['-c', `ulimit -n ${SERVER_FILE_LIMIT} && exec "$0" "$@"`, process.execPath, BIN, ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve({ child, stderr: () => stderr, exited });
    });
    void exited.then(() => reject(new Error(`edgewise ${args.slice(0, 2).join(' ')} ended before it listened:\n${stderr}`)));
  });
}

function wireServer(
  name: WireServer['name'],
  server: ServerProcess,
  endpoint: { host: string; port: number; httpsPort: number; ca: string; hostName: string },
  keys: ReadonlyMap<string, string>,
): WireServer {
  const pid = server.child.pid!;
  return {
    name,
    ...endpoint,
    pid,
    token: (clientId, expiresAtSeconds, options = {}) => {
      const [deviceId, moduleId] = clientId.split('/');
      const key = options.key ?? keys.get(clientId);
      if (key === undefined) throw new Error(`no identity ${clientId} in the wire scenario`);
      const path = `/devices/${deviceId}${moduleId === undefined ? '' : `/modules/${moduleId}`}`;
      return signSasToken(`${options.audienceHost ?? endpoint.hostName}${path}`, key, expiresAtSeconds);
    },
    username: (clientId) => `${endpoint.hostName}/${clientId}/?api-version=${API_VERSION}`,
    alive: () => server.child.exitCode === null && server.child.signalCode === null,
    residentKiB: () => {
      try {
        return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      } catch {
        return 0;
      }
    },
    openFiles: () => {
      try {
        return readdirSync(`/proc/${pid}/fd`).length;
      } catch {
        return 0;
      }
    },
    log: server.stderr,
  };
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
