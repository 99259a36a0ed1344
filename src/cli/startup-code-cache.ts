// The start-up bundle's files: its source, the cache shipped beside it, and a user's own caches.
// A user's cache is written whole or not at all (a temporary file, flushed, then renamed), so runs
// that start together (pre-commit runs several) never read half a file; and any error here (a
// read-only folder, a full disk, a missing file) means only that no cache is used.
import { closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { isPrivateFolder } from './startup-cache-folder.js';

/** Caches of other bundles or Nodes kept in a user's folder (an upgrade leaves the old one behind). */
const CACHES_KEPT = 4;
/** A temporary file this old belongs to a writer that died; nobody writes for this long. */
const ABANDONED_AFTER_MS = 10 * 60 * 1000;
const CACHE_FILE = /^cli-.+\.cache$/;
const TEMPORARY_FILE = /^cli-.+\.tmp$/;

/** The bundle is ASCII (esbuild escapes the rest), so latin1 reads it exactly, without UTF-8 decoding. */
export function readBundleSource(path: string): string {
  return readFileSync(path, 'latin1');
}

export function readCacheFile(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch {
    return undefined;
  }
}

/** Whether `folder` may hold caches; with `create`, makes it (owner-only) when it is missing. */
export function usableCacheFolder(folder: string, create: boolean): boolean {
  try {
    if (create) mkdirSync(folder, { recursive: true, mode: 0o700 });
    return isPrivateFolder(statSync(folder), process.getuid?.());
  } catch {
    return false;
  }
}

/** Writes `data` as `folder/name` whole, or leaves no trace. */
export function writeCacheFile(folder: string, name: string, data: Buffer): void {
  if (!usableCacheFolder(folder, true)) return;
  const temporary = join(folder, `${name.replace(/\.cache$/, '')}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    const fd = openSync(temporary, 'wx', 0o600);
    try {
      for (let written = 0; written < data.length; ) written += writeSync(fd, data, written);
      fsyncSync(fd); // else a crash soon after the rename can leave a file of zeros under the name
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, join(folder, name));
  } catch {
    removeQuietly(temporary);
    return;
  }
  pruneCaches(folder);
}

function pruneCaches(folder: string): void {
  try {
    const now = Date.now();
    const entries = readdirSync(folder).flatMap((name) => {
      try {
        return [{ name, modified: statSync(join(folder, name)).mtimeMs }];
      } catch {
        return []; // removed by another run meanwhile
      }
    });
    for (const entry of entries) if (TEMPORARY_FILE.test(entry.name) && now - entry.modified > ABANDONED_AFTER_MS) removeQuietly(join(folder, entry.name));
    const caches = entries.filter((entry) => CACHE_FILE.test(entry.name)).sort((a, b) => b.modified - a.modified);
    for (const entry of caches.slice(CACHES_KEPT)) removeQuietly(join(folder, entry.name));
  } catch {
    // pruning is housekeeping; a folder that cannot be listed keeps its files
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone
  }
}
