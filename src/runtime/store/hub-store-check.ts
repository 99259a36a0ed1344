// Looks at an lmdb data file (the hub's store, and the emulator's) before lmdb maps it. lmdb trusts
// what it reads: a data file cut short (a copy that stopped, a full disk at the wrong moment) or a
// page overwritten with other bytes is mapped as if whole, and the first read of the missing or
// garbled page kills the process with SIGBUS or an assertion, which no JavaScript can catch. So the
// store reads the two meta pages itself (layout of LMDB 0.9's MDB_meta, as vendored by lmdb-js 3.5:
// page header 24 bytes, then magic, version, address, map size, two MDB_db records, last page, txn
// id), then walks every page the newest commit's trees reach (hub-store-walk.ts) at every open. A
// file shorter than the last page its newest commit counts is not always cut: pages a transaction
// took and freed again are counted and never written (seen here with lmdb-js 3.5.6); only a
// reachable missing page refuses it.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { StoreOpenError } from './hub-store-errors.js';
import { firstPageFault } from './hub-store-walk.js';

const MAGIC = 0xbeefc0de;
const DATA_VERSION = 2;
const PAGE_HEADER = 24;
const DB_RECORD = 48;
/** md_root and the meta fields after the two MDB_db records, from the start of MDB_meta. */
const FREE_ROOT = 24 + 40;
const MAIN_ROOT = 24 + DB_RECORD + 40;
const LAST_PAGE = 24 + 2 * DB_RECORD;
const TXN_ID = LAST_PAGE + 8;
/** An empty tree's root (P_INVALID). */
const NO_PAGE = 0xffffffffffffffffn;

interface Meta {
  pageSize: number;
  lastPage: bigint;
  txnId: bigint;
  roots: bigint[];
}

/** Throws StoreOpenError when `folder`'s data.mdb is not a whole lmdb file; a missing file is a new store. */
export function checkDataFile(folder: string): void {
  const damage = dataFileDamage(folder);
  if (damage !== undefined) throw new StoreOpenError(folder, damage);
}

/**
 * Why `folder`'s data.mdb cannot be opened safely, or undefined when it is whole or missing (a new
 * store). The emulator's store words the refusal itself; the hub's goes through checkDataFile.
 */
export function dataFileDamage(folder: string): string | undefined {
  const path = join(folder, 'data.mdb');
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    return `data.mdb cannot be read (${(error as Error).message})`;
  }
  try {
    return damageIn(fd);
  } finally {
    closeSync(fd);
  }
}

function damageIn(fd: number): string | undefined {
  const size = fstatSync(fd).size;
  if (size === 0) return 'data.mdb is empty (truncated)';
  const first = readMeta(fd, 0);
  // The second meta page sits one page further; 4096 when the first cannot say (the usual size).
  const second = readMeta(fd, first?.pageSize ?? 4096);
  // lmdb itself needs both meta pages whole (and the process dies in lmdb-js 3.5 when one is not).
  if (first === undefined && second === undefined) return 'data.mdb has no valid lmdb header (not an lmdb file, or damaged)';
  if (first === undefined || second === undefined) return `data.mdb has a damaged lmdb header (meta page ${first === undefined ? 0 : 1})`;
  const newest = second.txnId > first.txnId ? second : first;
  const needed = (newest.lastPage + 1n) * BigInt(newest.pageSize);
  if (newest.roots.some((root) => root !== NO_PAGE && root > newest.lastPage)) return 'data.mdb is damaged: a tree root lies past the last page';
  // The trees of the newest commit reach no page past its last one, whatever the file's size.
  const pagesInFile = BigInt(size) / BigInt(newest.pageSize);
  const fault = firstPageFault(
    (buffer, position) => readSync(fd, buffer, 0, buffer.length, position),
    newest.pageSize,
    Number(pagesInFile < newest.lastPage + 1n ? pagesInFile : newest.lastPage + 1n),
    newest.roots.filter((root) => root !== NO_PAGE).map(Number),
  );
  if (fault?.kind === 'missing' && BigInt(size) < needed) return `data.mdb is truncated: ${size} bytes, and page ${fault.page} its data needs lies past the end`;
  if (fault !== undefined) return `data.mdb is damaged: page ${fault.page} ${fault.kind === 'missing' ? 'its data needs lies past the last page' : `is garbled (${fault.detail})`}`;
  return undefined;
}

function readMeta(fd: number, position: number): Meta | undefined {
  const page = Buffer.alloc(PAGE_HEADER + TXN_ID + 8);
  if (readSync(fd, page, 0, page.length, position) < page.length) return undefined;
  const meta = page.subarray(PAGE_HEADER);
  if (meta.readUInt32LE(0) !== MAGIC || meta.readUInt32LE(4) !== DATA_VERSION) return undefined;
  const pageSize = meta.readUInt32LE(24);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) return undefined;
  return {
    pageSize,
    lastPage: meta.readBigUInt64LE(LAST_PAGE),
    txnId: meta.readBigUInt64LE(TXN_ID),
    roots: [meta.readBigUInt64LE(FREE_ROOT), meta.readBigUInt64LE(MAIN_ROOT)],
  };
}
