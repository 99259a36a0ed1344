// edgewise as the user runs it (bin/edgewise.js, the built bundle) in a child process of its own,
// serving until stopped, so a test can stop it with SIGTERM or kill it with SIGKILL as a crash or
// the OOM killer would. A start resolves once the server printed its line on stdout (it listens
// then; `edgewise run` has written DIR/hub.json by then, with the ports of this life), and keeps
// the server's log (stderr) for a failure's message. Each `edgewise run` start is a "life".
import { spawn, type ChildProcess, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubInfo } from '../../../src/runtime/hub/hub-info.js';
import { BIN, ROOT } from '../../runtime/cloud/cloud-support.js';

export interface ServerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Everything it wrote to stderr. */
  stderr: string;
}

export interface StartedServer {
  child: ChildProcessWithoutNullStreams;
  /** Its stdout when it had a whole line (the line saying where it listens). */
  line: string;
  /** Its log (stderr) so far. */
  log(): string;
  exited: Promise<ServerExit>;
}

export interface StartOptions {
  /** Added to this process's environment. */
  env?: NodeJS.ProcessEnv;
  /** The test's list of children to kill in afterAll: the child joins it as it is spawned. */
  children?: ChildProcess[];
}

/** Starts `edgewise ARGS` (a command that serves); rejects with its log if it exits before it listens. */
export function startServer(args: readonly string[], options: StartOptions = {}): Promise<StartedServer> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, ...options.env } });
  options.children?.push(child);
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<ServerExit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stderr })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('\n')) resolve({ child, line: stdout, log: () => stderr, exited });
    });
    void exited.then(({ code, signal }) => reject(new Error(`edgewise ${args[0]} exited ${code ?? signal} before listening:\n${stderr}`)));
  });
}

export interface HubLife {
  child: ChildProcessWithoutNullStreams;
  info: HubInfo;
  /** The hub's log so far. */
  log(): string;
  exited: Promise<ServerExit>;
}

export interface HubRunOptions extends StartOptions {
  manifest: string;
  data: string;
  /** The edge device's; it goes by environment, not argv, as the README advises (argv shows in ps). */
  connectionString: string;
  /** More flags (--cloud-ca, --address, --sync …); the MQTT and HTTPS ports are 0 (any free one). */
  flags?: readonly string[];
}

/** Starts `edgewise run MANIFEST --data DATA`; resolves with this life's DATA/hub.json once it listens. */
export async function startHubRun(options: HubRunOptions): Promise<HubLife> {
  const args = ['run', options.manifest, '--data', options.data, '--mqtt-port', '0', '--https-port', '0', ...(options.flags ?? [])];
  const started = await startServer(args, { env: { ...options.env, EDGEWISE_CONNECTION_STRING: options.connectionString }, ...(options.children === undefined ? {} : { children: options.children }) });
  const info = JSON.parse(readFileSync(join(options.data, 'hub.json'), 'utf8')) as HubInfo;
  return { child: started.child, info, log: started.log, exited: started.exited };
}

export interface EdgewiseRunOptions {
  manifest: string;
  data: string;
  address: string;
  connectionString: string;
  cloudCa: string;
  cloudHttpsPort: number;
  sync?: boolean;
}

/** The fault tests' `edgewise run`: on their own address, against their emulator. */
export function startEdgewiseRun(options: EdgewiseRunOptions): Promise<HubLife> {
  const flags = ['--address', options.address, '--cloud-ca', options.cloudCa, '--cloud-https-port', String(options.cloudHttpsPort)];
  if (options.sync === true) flags.push('--sync');
  return startHubRun({ manifest: options.manifest, data: options.data, connectionString: options.connectionString, flags });
}

/** Kills a life that is still running (for afterAll); waits for it to be gone. */
export async function killLife(life: HubLife | undefined): Promise<void> {
  if (life === undefined || life.child.exitCode !== null || life.child.signalCode !== null) return;
  life.child.kill('SIGKILL');
  await life.exited;
}
