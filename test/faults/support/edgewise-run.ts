// `edgewise run` as the user runs it (bin/edgewise.js, the built bundle) in a child process of its
// own, so a test can kill it with SIGKILL as a crash or the OOM killer would. Each start is a
// "life": it resolves once the hub printed its line on stdout (it has written DIR/hub.json by
// then, with the ports of this life), and keeps the hub's log (stderr) for a failure's message.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HubInfo } from '../../../src/runtime/hub/hub-info.js';
import { BIN, ROOT } from '../../runtime/cloud/cloud-support.js';

export interface EdgewiseRunOptions {
  manifest: string;
  data: string;
  address: string;
  connectionString: string;
  cloudCa: string;
  cloudHttpsPort: number;
  sync?: boolean;
}

export interface HubLife {
  child: ChildProcessWithoutNullStreams;
  info: HubInfo;
  /** The hub's log so far. */
  log(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `edgewise run`; rejects with its log if it exits before it listens. */
export function startEdgewiseRun(options: EdgewiseRunOptions): Promise<HubLife> {
  const args = [BIN, 'run', options.manifest, '--data', options.data, '--address', options.address, '--mqtt-port', '0', '--https-port', '0', '--cloud-ca', options.cloudCa, '--cloud-https-port', String(options.cloudHttpsPort)];
  if (options.sync === true) args.push('--sync');
  // The connection string goes by environment, not argv, as the README advises (argv shows in ps).
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, EDGEWISE_CONNECTION_STRING: options.connectionString } });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!stdout.includes('\n')) return;
      try {
        resolve({ child, info: JSON.parse(readFileSync(join(options.data, 'hub.json'), 'utf8')) as HubInfo, log: () => stderr, exited });
      } catch (error) {
        reject(error as Error);
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`edgewise run ended (${code ?? signal}) before it listened:\n${stderr}`)));
  });
}

/** Kills a life that is still running (for afterAll); waits for it to be gone. */
export async function killLife(life: HubLife | undefined): Promise<void> {
  if (life === undefined || life.child.exitCode !== null || life.child.signalCode !== null) return;
  life.child.kill('SIGKILL');
  await life.exited;
}
