// What the `edgewise demo offline` CLI tests share: the built CLI (bin/edgewise.js) run as a
// child process, as a user runs it, and readers for what it prints.
import { spawn } from 'node:child_process';
import { BIN, ROOT } from '../runtime/cloud/cloud-support.js';

export { BIN, ROOT };

/** A hang guard for one demo run, not a speed claim: a run takes some 10 s, much more on a busy machine. */
export const DEMO_GUARD_MS = 120_000;

export interface DemoRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a program to its end with stdout and stderr piped; killed by the guard if it hangs. `onStdout` sees stdout so far, as it grows. */
/** A person's terminal: the demo draws its live line only outside CI and on a terminal that can redraw. */
export function personTerminalEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.CI;
  if (!env.TERM || env.TERM === 'dumb') env.TERM = 'xterm';
  return env;
}

export function runToEnd(program: string, args: readonly string[], onStdout?: (stdout: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(program, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      onStdout?.(stdout);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const guard = setTimeout(() => child.kill('SIGINT'), DEMO_GUARD_MS - 10_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(guard);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export function runDemo(args: readonly string[], onStdout?: (stdout: string) => void): Promise<DemoRun> {
  return runToEnd(process.execPath, [BIN, 'demo', 'offline', ...args], onStdout);
}

/** The temporary folder the demo says it uses. */
export function dataFolderOf(stdout: string): string {
  const match = /^data in (\S+) \(/m.exec(stdout);
  if (!match) throw new Error(`the demo did not say where its data is:\n${stdout}`);
  return match[1]!;
}

/** The summary: from its heading to the end. */
export function summaryOf(stdout: string): string[] {
  const lines = stdout.trimEnd().split('\n');
  const start = lines.lastIndexOf('summary');
  if (start === -1) throw new Error(`the demo printed no summary:\n${stdout}`);
  return lines.slice(start);
}

/** The resync steps the hub's status reported, as the demo narrated them: "messages done", …. */
export function resyncSteps(stdout: string): string[] {
  return [...stdout.matchAll(/hub status: resync \d+: (\w+) (\w+)/g)].map((match) => `${match[1]} ${match[2]}`);
}

/** Whether this process may bind ports below 1024 (the tests run as root in CI). */
export function mayBindPrivilegedPorts(): boolean {
  return process.getuid?.() === 0;
}
