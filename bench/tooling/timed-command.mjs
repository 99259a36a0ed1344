// One run of one command, as a user would run it: output redirected to files, wall-clock time
// from spawn to exit (process start included), peak RSS from GNU time when asked, and the load
// average of the moment it started.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { loadAverage } from '../common/load-average.mjs';

const GNU_TIME = '/usr/bin/time';

/** GNU time's path if it reports peak RSS here (`-f %M`), else undefined. */
export function findGnuTime(logs) {
  if (!fs.existsSync(GNU_TIME)) return undefined;
  const probe = path.join(logs, 'time-probe.txt');
  const run = spawnSync(GNU_TIME, ['-f', '%M', '-o', probe, process.execPath, '-e', '0'], { stdio: 'ignore' });
  if (run.status !== 0 || !fs.existsSync(probe)) return undefined;
  return Number(fs.readFileSync(probe, 'utf8').trim().split('\n').pop()) > 0 ? GNU_TIME : undefined;
}

/**
 * Runs `command` ([file, ...args]) in `cwd` with stdout and stderr in `logs/<name>.*`.
 * With `gnuTime`, it runs under `time -f %M` (about 1 ms more per run, alike for every command).
 */
export function runTimed(name, command, { cwd, logs, gnuTime }) {
  const stdoutFile = path.join(logs, `${name}.stdout`);
  const stderrFile = path.join(logs, `${name}.stderr`);
  const rssFile = path.join(logs, `${name}.rss`);
  const out = fs.openSync(stdoutFile, 'w');
  const err = fs.openSync(stderrFile, 'w');
  const [file, args] = gnuTime ? [gnuTime, ['-f', '%M', '-o', rssFile, ...command]] : [command[0], command.slice(1)];
  const load1 = loadAverage().one;
  const start = process.hrtime.bigint();
  const run = spawnSync(file, args, { cwd, stdio: ['ignore', out, err], env: process.env });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  fs.closeSync(out);
  fs.closeSync(err);
  if (run.error) throw run.error;
  let rssMB = null;
  if (gnuTime && fs.existsSync(rssFile)) {
    // GNU time writes "Command exited with non-zero status N" before the format line
    const kb = Number(fs.readFileSync(rssFile, 'utf8').trim().split('\n').pop());
    if (Number.isFinite(kb)) rssMB = kb / 1024;
  }
  return { status: run.status, signal: run.signal, ms, rssMB, load1, stdoutFile, stderrFile };
}

/** The first lines of a log, for a failure message. */
export function head(file, lines = 12, maxChars = 2000) {
  if (!fs.existsSync(file)) return '';
  return fs.readFileSync(file, 'utf8').slice(0, maxChars).split('\n').slice(0, lines).join('\n');
}
