// Refuses new messages while the store's file system is nearly full. lmdb never overwrites a page
// in place: even deleting a delivered message needs a few free pages, so on a disk that is full to
// the last byte the deliveries that would free space fail too (seen here on a full tmpfs). Keeping
// a margin lets acknowledgements and expiry go on, and appends resume once space is back, in the
// file system or inside the store's file.
import { statfsSync, statSync } from 'node:fs';
import { join } from 'node:path';

export const DEFAULT_MIN_FREE_DISK_BYTES = 32 * 1024 * 1024;
/** How long a free-space reading is trusted, unless the store grew by a quarter of the margin since. */
const RECHECK_MS = 250;
/** Below this share of what its data file is believed to hold, the store has room inside the file. */
const REUSABLE_SHARE = 0.9;
/**
 * Message bytes (messageSize) an lmdb data file holds, as a share of its size, for a first guess.
 * Measured on hub stores filled with 20 MB of messages, one target (two): 16 B bodies 0.29 (0.11),
 * 100 B 0.60 (0.34), 1 KB 0.50 (0.46), 16 KB 0.80 (0.79), 64 KB 0.94, 256 KB 0.98, or 0.65 when
 * refilled after a drain (lmdb 3.5.6). Half fits typical telemetry; a guess too high for tiny
 * messages is caught when the file grows (see shortOfSpace).
 */
const DATA_FILE_SHARE = 0.5;

/** What the guard reads from the file system: a seam for tests. */
export interface DiskReadings {
  /** Free bytes of the file system holding `folder`; Infinity when unknown. */
  freeBytes(folder: string): number;
  /** The size of the store's data file in `folder`; 0 when unknown. */
  dataFileBytes(folder: string): number;
}

export class DiskGuard {
  private checkedAtMs = -Infinity;
  private bytesAtCheck = 0;
  private free = Infinity;
  /** While short of space: the message bytes the data file is believed to hold, and its size when last read. */
  private short: { fileHolds: number; fileBytes: number } | undefined;

  constructor(
    private readonly folder: string,
    private readonly minFreeBytes: number,
    private readonly readings: DiskReadings = fileSystemReadings,
  ) {}

  /** The free bytes when they are below the margin, else undefined. `storedBytes` is the store's byte total now. */
  shortOfSpace(storedBytes: number, nowMs = Date.now()): number | undefined {
    if (this.minFreeBytes <= 0) return undefined;
    if (nowMs - this.checkedAtMs >= RECHECK_MS || storedBytes - this.bytesAtCheck >= this.minFreeBytes / 4) {
      this.free = this.readings.freeBytes(this.folder);
      this.checkedAtMs = nowMs;
      this.bytesAtCheck = storedBytes;
    }
    if (this.free >= this.minFreeBytes) {
      this.short = undefined;
      return undefined;
    }
    // The data file never shrinks: what deliveries freed inside it, before a restart too, is reused
    // before it grows. So while the store holds clearly less than the file holds, new messages fit.
    // lmdb grows the file a little even then (1 MB for the first 50 messages of 16 KB put into a
    // drained 20 MB file); grown by more than a quarter of the margin or half of what is free, it
    // had no room left: it holds what is stored now. Its size is read at every append while short,
    // so a guess too high costs one commit's growth past that; and an append that fails anyway
    // (ENOSPC) is refused like any failed commit: nothing stored is lost.
    const fileBytes = this.readings.dataFileBytes(this.folder);
    if (this.short === undefined) {
      this.short = { fileHolds: Math.max(storedBytes, fileBytes * DATA_FILE_SHARE), fileBytes };
    } else if (fileBytes - this.short.fileBytes > Math.min(this.minFreeBytes / 4, this.free / 2)) {
      this.short = { fileHolds: storedBytes, fileBytes };
    }
    return storedBytes < this.short.fileHolds * REUSABLE_SHARE ? undefined : this.free;
  }
}

const fileSystemReadings: DiskReadings = {
  freeBytes(folder) {
    try {
      const stats = statfsSync(folder);
      return stats.bavail * stats.bsize;
    } catch {
      return Infinity;
    }
  },
  dataFileBytes(folder) {
    try {
      return statSync(join(folder, 'data.mdb')).size;
    } catch {
      return 0;
    }
  },
};
