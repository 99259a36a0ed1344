// The built CLI as a child process the test can kill at a moment of its choosing (also with every
// write(2) it makes slowed down by strace, so that a kill can land inside a write); the "random
// moments" come from test/support/seeded-random.ts, the same on every run of a seed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../../hardening/loader-cli.js';

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time from spawn to exit, start-up included. */
  ms: number;
}

export interface Running {
  child: ChildProcess;
  /** SIGKILL to the child's whole process group (strace and the CLI it runs, together). */
  kill(): void;
  done: Promise<Finished>;
}

/** A run that does not end within this is killed, so a hang fails the test instead of stalling the suite. */
const HANG_GUARD_MS = 20_000;

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
}

export function startEdgewise(args: readonly string[], options: RunOptions = {}): Running {
  return startCommand(process.execPath, [join(ROOT, 'bin', 'edgewise.js'), ...args], options);
}

export async function runEdgewise(args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return startEdgewise(args, options).done;
}

/** Whether strace can run here (it needs ptrace, which some containers refuse). */
export const STRACE_WORKS = spawnSync('strace', ['-f', '-qq', '-o', '/dev/null', '-e', 'trace=none', 'true']).status === 0;

/**
 * The CLI under strace, each write(2), pwrite64(2) and writev(2) held back `delayMs` before it
 * runs (strace -e inject=…:delay_enter): a write that takes a microsecond takes this long, so a
 * kill aimed at it lands inside it. Only with STRACE_WORKS.
 */
export function startSlowedEdgewise(args: readonly string[], delayMs: number, options: RunOptions = {}): Running {
  const writes = 'write,pwrite64,writev';
  const strace = ['-f', '-qq', '--seccomp-bpf', '-o', '/dev/null', '-e', `trace=${writes}`, '-e', `inject=${writes}:delay_enter=${Math.round(delayMs * 1000)}`];
  return startCommand('strace', [...strace, process.execPath, join(ROOT, 'bin', 'edgewise.js'), ...args], options);
}

/** Any program (a shell that sets limits, then runs the CLI), with the CLI's environment. */
export async function runCommand(file: string, args: readonly string[], options: RunOptions = {}): Promise<Finished> {
  return startCommand(file, args, options).done;
}

function startCommand(file: string, args: readonly string[], options: RunOptions): Running {
  const started = performance.now();
  const child = spawn(file, args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', EDGEWISE_DEBUG: '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true, // its own process group, so that a kill reaches what it started too
  });
  const kill = (): void => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk));
  const guard = setTimeout(kill, HANG_GUARD_MS);
  const done = new Promise<Finished>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(guard);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        ms: performance.now() - started,
      });
    });
  });
  return { child, kill, done };
}

/** Runs `tasks` with at most `limit` at a time, keeping their order in the results. */
export async function inPool<T>(tasks: readonly (() => Promise<T>)[], limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
