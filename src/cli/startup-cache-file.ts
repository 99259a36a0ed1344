// The compile cache's file format: one header line, then V8's code cache bytes. V8 checks only
// its own version, its flags and the source length before it deserializes; in a release build it
// does not checksum the payload, and a damaged payload can crash the process. So the header names
// exactly which bundle and Node the bytes belong to, and a CRC-32 of the bytes is checked first.
import * as zlib from 'node:zlib';

/** What a cache is valid for: one bundle build, run by one Node with one set of V8 flags. */
export interface CacheKey {
  /** Content hash of the bundle, written on its first line by scripts/build.mjs. */
  bundle: string;
  node: string;
  arch: string;
  /** Fingerprint of the flags that change V8's code (execArgv, NODE_OPTIONS). */
  flags: string;
}

interface CacheHeader extends CacheKey {
  bytes: number;
  crc32: number;
}

const MAGIC = 'edgewise-code-cache-1 ';
/** A header is a short JSON line; anything longer is not ours. */
const MAX_HEADER_BYTES = 1024;
const NEWLINE = 0x0a;

/** zlib.crc32 exists from Node 20.15; without it no cache is read or written (a normal start). */
export function canChecksum(): boolean {
  return typeof zlib.crc32 === 'function';
}

export function cacheKeyFor(bundle: string, process: Pick<NodeJS.Process, 'version' | 'arch' | 'execArgv'>, env: NodeJS.ProcessEnv): CacheKey {
  return { bundle, node: process.version, arch: process.arch, flags: fingerprint(`${process.execArgv.join('\0')}\n${env.NODE_OPTIONS ?? ''}`) };
}

/**
 * The file name of a key's cache in the per-user folder. `use` names the command whose run made
 * it: a cache holds what that run compiled, so lint and validate each load only what they use.
 */
export function cacheFileName(key: CacheKey, use: string): string {
  return `cli-${use}-${key.bundle}-${key.node}-${key.arch}-${key.flags}.cache`.replace(/[^\w.-]/g, '_');
}

export function encodeCache(key: CacheKey, payload: Buffer): Buffer {
  const header: CacheHeader = { ...key, bytes: payload.length, crc32: zlib.crc32(payload) };
  return Buffer.concat([Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'latin1'), payload]);
}

/** The V8 cache bytes in `file` when they are whole and made for `key`; otherwise undefined. */
export function decodeCache(file: Buffer, key: CacheKey): Buffer | undefined {
  const end = file.indexOf(NEWLINE);
  if (end < 0 || end > MAX_HEADER_BYTES) return undefined;
  const line = file.toString('latin1', 0, end);
  if (!line.startsWith(MAGIC)) return undefined;
  let header: Partial<CacheHeader>;
  try {
    header = JSON.parse(line.slice(MAGIC.length)) as Partial<CacheHeader>;
  } catch {
    return undefined;
  }
  if (header.bundle !== key.bundle || header.node !== key.node || header.arch !== key.arch || header.flags !== key.flags) return undefined;
  const payload = file.subarray(end + 1);
  if (payload.length === 0 || header.bytes !== payload.length || header.crc32 !== zlib.crc32(payload)) return undefined;
  return payload;
}

/** FNV-1a, 32 bits, as hex: enough to tell flag sets apart in a file name. */
function fingerprint(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
