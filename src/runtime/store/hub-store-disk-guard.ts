// Refuses new messages while the store's file system is nearly full. lmdb never overwrites a page
// in place: even deleting a delivered message needs a few free pages, so on a disk that is full to
// the last byte the deliveries that would free space fail too (seen here on a full tmpfs). Keeping
// a margin lets acknowledgements and expiry go on, and appends resume once space is back, in the
// file system or inside the store's file.
import { statfsSync } from 'node:fs';

export const DEFAULT_MIN_FREE_DISK_BYTES = 32 * 1024 * 1024;
/** How long a free-space reading is trusted, unless the store grew by a quarter of the margin since. */
const RECHECK_MS = 250;
/** Below this share of what it held when the disk ran short, the store has room inside its file. */
const REUSABLE_SHARE = 0.9;

export class DiskGuard {
  private checkedAtMs = -Infinity;
  private bytesAtCheck = 0;
  private free = Infinity;
  private storedWhenShort: number | undefined;

  constructor(
    private readonly folder: string,
    private readonly minFreeBytes: number,
  ) {}

  /** The free bytes when they are below the margin, else undefined. `storedBytes` is the store's byte total now. */
  shortOfSpace(storedBytes: number, nowMs = Date.now()): number | undefined {
    if (this.minFreeBytes <= 0) return undefined;
    if (nowMs - this.checkedAtMs >= RECHECK_MS || storedBytes - this.bytesAtCheck >= this.minFreeBytes / 4) {
      this.free = freeBytes(this.folder);
      this.checkedAtMs = nowMs;
      this.bytesAtCheck = storedBytes;
    }
    if (this.free >= this.minFreeBytes) {
      this.storedWhenShort = undefined;
      return undefined;
    }
    // The data file never shrinks: what deliveries freed inside it is reused before it grows. So
    // while the store holds clearly less than when the disk ran short, new messages fit.
    this.storedWhenShort ??= storedBytes;
    return storedBytes < this.storedWhenShort * REUSABLE_SHARE ? undefined : this.free;
  }
}

function freeBytes(folder: string): number {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return Infinity;
  }
}
