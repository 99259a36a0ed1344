// A server's own files in its data folder (cloud.json, hub.json, keys, certificates) are read through
// the guarded reader, like every other file: one replaced by a FIFO or grown huge must give an
// error, never a hang.
import { readRegularFile } from '../../manifest/bounded-read.js';

/** Far above any certificate or settings file a server writes. */
const MAX_DATA_FILE_BYTES = 1024 * 1024;

/** The text of a data-folder file; undefined when it is missing or unreadable. */
export function readDataFile(path: string): string | undefined {
  const read = readRegularFile(path, MAX_DATA_FILE_BYTES);
  return read.ok ? read.text : undefined;
}
