// Writes a file whole or not at all: the text goes to a temporary file in the target's own folder,
// is flushed to disk, takes the old file's mode, and is renamed over the target. A run killed at
// any moment leaves the old file or the new one, never a truncated one; two runs writing the same
// file at once leave one of the two outputs whole (rename(2) replaces the name atomically, POSIX).
// A target the user may not write (chmod 444) is refused with EACCES, as writeFileSync refuses it:
// the rename needs only the folder's permission, so without the check it would replace the file.
// A symbolic link is written through, as writeFileSync does: the file it points at is replaced and
// the link stays a link. A target with other hard links is replaced by a new file: the other names
// keep the old text (as editors that save by renaming do). What is not a regular file (/dev/null,
// a pipe) is written as it stands: replacing it would be wrong, and it has no old content to keep.
// A signal that ends the process between the first byte and the rename (SIGKILL, and SIGTERM or
// SIGINT too: no handler is set, as the write is synchronous and a handler would run only after
// it) or a crash of the machine leaves the hidden temporary file, .NAME.edgewise-PID-RANDOM.tmp.
import { accessSync, closeSync, constants, fchmodSync, fchownSync, fsyncSync, lstatSync, openSync, readlinkSync, realpathSync, renameSync, statSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

/** Links followed before giving up, as the kernel's own limit (Linux MAXSYMLINKS). */
const MAX_LINKS = 40;
const TEMPORARY_TAG = '.edgewise-';
const TEMPORARY_END = '.tmp';

/** Longest part of the target's name kept in the temporary one, in bytes: the whole stays within NAME_MAX (255 bytes). */
const NAME_BYTES_KEPT = 100;

export interface AtomicWriteOptions {
  /** Mode of a file that does not exist yet (the umask still applies); default 0o666, as writeFileSync. */
  newFileMode?: number;
}

/** Throws the system error (with its `code`) when the file cannot be written; the target is then unchanged. */
export function writeFileAtomic(path: string, text: string | Uint8Array, options: AtomicWriteOptions = {}): void {
  const target = followLinks(path);
  const folder = dirname(target);
  const existing = statOrUndefined(target);
  const data = typeof text === 'string' ? Buffer.from(text) : text;
  if (existing && !existing.isFile()) {
    writeInPlace(target, data);
    return;
  }
  if (existing) accessSync(target, constants.W_OK); // EACCES (EROFS) for a file the user may not write

  const temporary = join(folder, `${temporaryPrefix(target)}${process.pid}-${Math.random().toString(36).slice(2, 10)}${TEMPORARY_END}`);
  // Owner-only until it has the old file's mode, so a manifest with secrets is never readable in between.
  const fd = openSync(temporary, 'wx', existing ? 0o600 : (options.newFileMode ?? 0o666));
  try {
    try {
      writeAll(fd, data);
      if (existing) keepOwnerAndMode(fd, existing);
      fsyncSync(fd); // else a crash soon after the rename can leave the name on an empty file
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, target);
  } catch (error) {
    removeQuietly(temporary);
    throw error;
  }
  flushFolder(folder);
}

/** Hidden, named after the target (cut short, so the name stays within NAME_MAX), and marked as edgewise's. */
function temporaryPrefix(target: string): string {
  return `.${cutToBytes(basename(target), NAME_BYTES_KEPT)}${TEMPORARY_TAG}`;
}

/** The longest start of `name` within `limit` UTF-8 bytes that ends on a whole character. */
function cutToBytes(name: string, limit: number): string {
  const bytes = Buffer.from(name);
  if (bytes.length <= limit) return name;
  let end = limit;
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end--; // a continuation byte: the character began earlier
  return bytes.subarray(0, end).toString();
}

function writeInPlace(target: string, data: Uint8Array): void {
  const fd = openSync(target, 'w');
  try {
    writeAll(fd, data);
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, data: Uint8Array): void {
  for (let written = 0; written < data.length;) written += writeSync(fd, data, written);
}

/** The path a write lands on: `path` with every symbolic link followed, also a dangling one. */
function followLinks(path: string): string {
  let current = resolve(path);
  for (let hops = 0; hops < MAX_LINKS; hops++) {
    try {
      return realpathSync(current);
    } catch {
      // Missing, or a link to a file not yet there: the write creates the file the last link names.
    }
    let link: Stats;
    try {
      link = lstatSync(current);
    } catch {
      return current;
    }
    if (!link.isSymbolicLink()) return current;
    current = resolve(dirname(current), readlinkSync(current));
  }
  return current;
}

/** The old file's owner where the process may set it (root), then its mode (umask does not apply; chown would clear set-id bits). */
function keepOwnerAndMode(fd: number, existing: Stats): void {
  if (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.()) {
    try {
      fchownSync(fd, existing.uid, existing.gid);
    } catch {
      // Only root may give a file away; the new file then belongs to the user writing it.
    }
  }
  fchmodSync(fd, existing.mode & 0o7777);
}

/** Makes the rename itself durable: the new name is recorded in the folder on disk. */
function flushFolder(folder: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(folder, 'r');
    fsyncSync(fd);
  } catch {
    // Some filesystems cannot flush a folder; the file itself is already on disk.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
