// Child processes of the benchmark: the publisher process, servers started and killed by pid,
// free ports, and polling with a deadline.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const PUBLISHER = path.join(HERE, 'publisher.mjs');
export const PACED_PUBLISHER = path.join(HERE, 'paced-publisher.mjs');

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it returns something truthy; throws with `what` after the deadline. */
export async function waitFor(what, check, { timeoutMs = 30_000, everyMs = 100 } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A long-running child whose output goes to a log file; `exited` resolves with its exit code or signal. */
export function startLogged(command, args, logFile, options = {}) {
  const log = fs.openSync(logFile, 'a');
  const child = spawn(command, args, { stdio: ['ignore', log, log], ...options });
  fs.closeSync(log);
  child.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return child;
}

export async function stop(child, signal = 'SIGTERM', timeoutMs = 30_000) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  await child.exited;
  clearTimeout(timer);
}

/**
 * Starts a publisher process (publisher.mjs, or `script`) on a job; `onEvent` sees each line it
 * prints (progress, connected). `done` resolves with its final report; `stop()` asks a paced
 * publisher to stop sending (a line on its stdin).
 */
export function startPublisher(job, jobFile, { onEvent = () => {}, script = PUBLISHER } = {}) {
  fs.writeFileSync(jobFile, JSON.stringify(job), { mode: 0o600 });
  const child = spawn(process.execPath, [script, jobFile], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  let pending = '';
  let report;
  child.stdin.on('error', () => {}); // a publisher that already exited does not read its stdin
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    let newline;
    while ((newline = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      const event = JSON.parse(line);
      if (event.event === 'done') report = event;
      else onEvent(event);
    }
  });
  // 'close', not 'exit': a long final report may still be in the pipe when the process has exited.
  const done = new Promise((resolve, reject) => {
    child.once('close', (code) => {
      if (report) resolve(report);
      else reject(new Error(`publisher exited ${code} without a report: ${stderr.trim().slice(0, 500)}`));
    });
  });
  return { done, stop: () => child.stdin.end('stop\n') };
}

/** Runs the publisher process on a job (see startPublisher); resolves with its final report. */
export function runPublisher(job, jobFile, onEvent = () => {}, script = PUBLISHER) {
  return startPublisher(job, jobFile, { onEvent, script }).done;
}
