// Reads a module's log for `edgewise logs`: the whole log (its rotated part first) or its last N
// lines, and, when following, what is appended after, across rotations (like `tail -F`: the old
// file is read to its end before the new one). Files are opened without following links or
// blocking, and used only if they are regular files, like every file edgewise reads.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { StringDecoder } from 'node:string_decoder';
import { InputError } from '../../../errors.js';
import { rotatedLogPath } from './module-log-path.js';

export interface LogReadOptions {
  /** Only the last N lines. */
  tail?: number;
}

export interface LogFollowOptions extends LogReadOptions {
  write(text: string): void;
  /** Following ends when this aborts (Ctrl-C). */
  stop: AbortSignal;
  /** How often the file is checked for more (default 200 ms). */
  pollMs?: number;
}

const CHUNK_BYTES = 64 * 1024;
const READ = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOFOLLOW ?? 0);

/** Whether the module has a log yet (the current file or its rotated part). */
export function moduleLogExists(logFile: string): boolean {
  return isRegularFile(logFile) || isRegularFile(rotatedLogPath(logFile));
}

export function readModuleLog(logFile: string, options: LogReadOptions = {}): string {
  const current = openLog(logFile);
  try {
    return initialText(logFile, current, options.tail).text;
  } finally {
    if (current) closeSync(current.descriptor);
  }
}

/** Writes the log (or its last lines), then what is appended, until `stop` aborts. */
export async function followModuleLog(logFile: string, options: LogFollowOptions): Promise<void> {
  let current = openLog(logFile);
  const first = initialText(logFile, current, options.tail);
  if (first.text) options.write(first.text);
  let offset = first.currentSize;
  const decoder = new StringDecoder('utf8');
  const pollMs = options.pollMs ?? 200;
  try {
    const drain = (): void => {
      if (!current) return;
      if (fstatSync(current.descriptor).size < offset) offset = 0; // truncated in place: start over
      const more = readFrom(current.descriptor, offset);
      if (more.length > 0) options.write(decoder.write(more));
      offset += more.length;
    };
    while (!options.stop.aborted) {
      drain();
      const latest = inodeAt(logFile);
      if (latest !== undefined && latest !== current?.inode) {
        // Rotated: the writer closed the old file (now .1) before renaming it, so reading it once
        // more gets its last lines; then the new file is read from its start.
        drain();
        if (current) closeSync(current.descriptor);
        current = openLog(logFile);
        offset = 0;
        continue;
      }
      try {
        await sleep(pollMs, undefined, { signal: options.stop });
      } catch {
        break; // aborted
      }
    }
  } finally {
    if (current) closeSync(current.descriptor);
    const rest = decoder.end();
    if (rest) options.write(rest);
  }
}

interface OpenLog {
  descriptor: number;
  inode: number;
  size: number;
}

function initialText(logFile: string, current: OpenLog | undefined, tail: number | undefined): { text: string; currentSize: number } {
  const currentSize = current?.size ?? 0;
  let bytes = current ? readRange(current.descriptor, 0, currentSize) : Buffer.alloc(0);
  if (tail === undefined || countLines(bytes) < tail) {
    const older = openLog(rotatedLogPath(logFile));
    if (older) {
      try {
        bytes = Buffer.concat([readRange(older.descriptor, 0, older.size), bytes]);
      } finally {
        closeSync(older.descriptor);
      }
    }
  }
  const text = bytes.toString('utf8');
  return { text: tail === undefined ? text : lastLines(text, tail), currentSize };
}

function openLog(path: string): OpenLog | undefined {
  let descriptor: number;
  try {
    descriptor = openSync(path, READ);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new InputError(`cannot read ${path} (${code ?? (error as Error).message}); check that it is a module log and its permissions`, 'module-log');
  }
  const stats = fstatSync(descriptor);
  if (!stats.isFile()) {
    closeSync(descriptor);
    throw new InputError(`${path} is not a regular file, so it is not a module log; remove it, and the agent writes a new one`, 'module-log');
  }
  return { descriptor, inode: stats.ino, size: stats.size };
}

function readRange(descriptor: number, from: number, to: number): Buffer {
  const buffer = Buffer.allocUnsafe(to - from);
  let length = 0;
  while (length < buffer.length) {
    const read = readSync(descriptor, buffer, length, buffer.length - length, from + length);
    if (read === 0) break;
    length += read;
  }
  return buffer.subarray(0, length);
}

/** Everything from `offset` to the current end. */
function readFrom(descriptor: number, offset: number): Buffer {
  const chunks: Buffer[] = [];
  let at = offset;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    const read = readSync(descriptor, chunk, 0, CHUNK_BYTES, at);
    if (read === 0) break;
    chunks.push(chunk.subarray(0, read));
    at += read;
  }
  return Buffer.concat(chunks);
}

/** Lines, counting a last line without its newline. */
function countLines(bytes: Buffer): number {
  let lines = 0;
  for (let at = bytes.indexOf(10); at !== -1; at = bytes.indexOf(10, at + 1)) lines++;
  return bytes.length > 0 && bytes[bytes.length - 1] !== 10 ? lines + 1 : lines;
}

function lastLines(text: string, count: number): string {
  if (count === 0) return '';
  const body = text.endsWith('\n') ? text.slice(0, -1) : text;
  let start = body.length;
  for (let found = 0; found < count; found++) {
    if (start === 0) return text;
    const newline = body.lastIndexOf('\n', start - 1);
    if (newline === -1) return text;
    start = newline;
  }
  return text.slice(start + 1);
}

function isRegularFile(path: string): boolean {
  try {
    return lstatSync(path).isFile();
  } catch {
    return false;
  }
}

function inodeAt(path: string): number | undefined {
  try {
    const stats = lstatSync(path);
    return stats.isFile() ? stats.ino : undefined;
  } catch {
    return undefined;
  }
}
