// Reading a manifest's bytes without trusting what the path names. A FIFO blocks until someone
// writes to it, and /dev/zero or /dev/urandom never end, so a path is opened without blocking,
// checked with fstat on that same descriptor (no second lookup a swap could slip through), and
// read only if it is a regular file. Every read, stdin included, stops one byte past the limit.
import { closeSync, constants, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { devNull } from 'node:os';
import { utf8Text } from './utf8-text.js';

export type BoundedRead = { ok: true; text: string } | { ok: false; message: string };

const STDIN = 0;
const CHUNK_BYTES = 64 * 1024;

export function readRegularFile(path: string, limit: number): BoundedRead {
  let descriptor: number | undefined;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It changes
    // nothing for a regular file, and it is 0 where it does not exist.
    descriptor = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    const stats = fstatSync(descriptor);
    if (isNullDevice(stats)) return { ok: true, text: '' };
    if (!stats.isFile()) {
      return { ok: false, message: `this is not a regular file but ${describeKind(stats)}; name a manifest file, or pipe the content in and pass - for stdin` };
    }
    if (stats.size > limit) return { ok: false, message: overLimit(`the file is ${stats.size} bytes`, limit) };
    const bytes = readUpTo(descriptor, limit, stats.size, scratchFor(stats.size));
    if (bytes === undefined) return { ok: false, message: overLimit(`the file grew past ${limit} bytes while it was read`, limit) };
    return utf8Text(bytes);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, message: 'the file does not exist (ENOENT); check the path' };
    return { ok: false, message: `cannot read the file (${code ?? (error as Error).message}); check its permissions` };
  } finally {
    if (descriptor !== undefined) closeSync(descriptor);
  }
}

export function readStandardInput(limit: number): BoundedRead {
  try {
    const bytes = readUpTo(STDIN, limit, 0);
    if (bytes === undefined) return { ok: false, message: overLimit(`stdin holds ${limit + 1} bytes or more`, limit) };
    return utf8Text(bytes, 'stdin');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return { ok: false, message: `cannot read stdin (${code ?? (error as Error).message})` };
  }
}

/** For text read by someone else (tests, embedders): the same limit, counted in UTF-8 bytes. */
export function limitText(text: string, limit: number, what: string): BoundedRead {
  const bytes = Buffer.byteLength(text, 'utf8');
  return bytes > limit ? { ok: false, message: overLimit(`${what} holds ${bytes} bytes`, limit) } : { ok: true, text };
}

function overLimit(what: string, limit: number): string {
  return `${what}, over the ${limit}-byte limit for a manifest; check that this is the right input`;
}

/**
 * One buffer, reused, for reading files of up to SCRATCH_BYTES: a run reads thousands of files,
 * and a fresh buffer for each cost a third of the reading. What is read from it is decoded into
 * a string at once, so nothing holds on to it.
 */
const SCRATCH_BYTES = 1024 * 1024;
let scratch: Buffer | undefined;

function scratchFor(size: number): Buffer | undefined {
  if (size + 1 > SCRATCH_BYTES) return undefined;
  if (!scratch || scratch.length < size + 1) scratch = Buffer.allocUnsafe(Math.min(SCRATCH_BYTES, Math.max(CHUNK_BYTES, 2 * (size + 1))));
  return scratch;
}

/** The bytes up to end of input, or undefined once there are more than `limit`. `initial`: a buffer to read into first (its content is overwritten). */
function readUpTo(descriptor: number, limit: number, expected: number, initial?: Buffer): Buffer | undefined {
  // A regular file's size is known: one read fills it, and one more finds its end (or its growth).
  let buffer = initial ?? Buffer.allocUnsafe(Math.min(limit + 1, expected > 0 ? expected + 1 : CHUNK_BYTES));
  let length = 0;
  for (;;) {
    if (length === buffer.length) {
      if (length > limit) return undefined;
      const larger = Buffer.allocUnsafe(Math.min(limit + 1, buffer.length * 2));
      buffer.copy(larger, 0, 0, length);
      buffer = larger;
    }
    let read: number;
    try {
      read = readSync(descriptor, buffer, length, buffer.length - length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        waitForInput();
        continue;
      }
      if (code === 'EOF') break; // Windows pipes end this way
      throw error;
    }
    if (read === 0) break;
    length += read;
    if (length > limit) return undefined;
  }
  return buffer.subarray(0, length);
}

/** A non-blocking stdin (a pipe a parent set so) has nothing yet: wait a little, without spinning. */
function waitForInput(): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
}

let nullDevice: Stats | null | undefined;

/** /dev/null reads as empty: git passes it to a diff driver for the side of an added or deleted file. */
function isNullDevice(stats: Stats): boolean {
  if (!stats.isCharacterDevice()) return false;
  if (nullDevice === undefined) {
    try {
      nullDevice = statSync(devNull);
    } catch {
      nullDevice = null;
    }
  }
  return nullDevice !== null && stats.rdev === nullDevice.rdev && stats.dev === nullDevice.dev;
}

function describeKind(stats: Stats): string {
  if (stats.isDirectory()) return 'a folder';
  if (stats.isFIFO()) return 'a named pipe (FIFO), which would wait for a writer';
  if (stats.isCharacterDevice()) return 'a character device, which may never end';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}
