// Turns lmdb's write failures into StoreWriteError with a reason a user can act on. lmdb reports a
// write the disk refused as EIO whether the disk is full or failing (LMDB's page flush turns a
// short write into EIO; seen here with lmdb-js 3.5.6 on a full tmpfs and under a file size limit),
// so the free space of the store's file system tells the two apart.
import { statfsSync } from 'node:fs';
import { StoreWriteError } from './hub-store-errors.js';

/** Below this much free space a refused write is reported as a full disk. */
const NEARLY_FULL_BYTES = 64 * 1024 * 1024;
const MDB_MAP_FULL = -30792;
const ERRNO = { EIO: 5, EFBIG: 27, ENOSPC: 28 } as const;

export function writeFailure(error: unknown, folder: string): StoreWriteError {
  if (error instanceof StoreWriteError) return error;
  const text = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: unknown } | undefined)?.code;
  const full = code === MDB_MAP_FULL || code === ERRNO.ENOSPC || code === ERRNO.EFBIG || /MDB_MAP_FULL|ENOSPC|No space left/i.test(text);
  if (full || ((code === ERRNO.EIO || /Input\/output error/i.test(text)) && freeBytes(folder) < NEARLY_FULL_BYTES)) {
    return new StoreWriteError(
      `disk full: the hub store in ${folder} could not grow (${text}); free disk space and the hub accepts messages again by itself`,
      'disk-full',
    );
  }
  return new StoreWriteError(`the hub store in ${folder} could not commit (${text}); a full disk or a file size limit shows this way too`, 'store-io');
}

function freeBytes(folder: string): number {
  try {
    const stats = statfsSync(folder);
    return stats.bavail * stats.bsize;
  } catch {
    return Infinity;
  }
}
