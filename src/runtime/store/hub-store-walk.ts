// Walks lmdb's B-trees in the data file, page by page, before lmdb maps it: lmdb follows page
// numbers it finds in pages without checking them, so a page past the end of the file (a cut copy)
// or a page overwritten with other bytes (a bad sector, a stray write) kills the process with
// SIGBUS or an assertion, which no JavaScript can catch. Every page the trees reach must lie inside
// the file, carry its own page number in its header (a page is always written at its own
// position), and have node offsets that stay inside the page. Page and node layout of LMDB as
// vendored by lmdb-js 3.5 (mdb.c, MDB_page_header): page number (8 bytes), txn id (8), pad (2),
// flags (2), lower and upper (2 each) or the overflow page count (4); then 16-bit node offsets
// counted from the end of that 24-byte header; a node is lo, hi, flags, key size (16 bits each),
// the key, then the data.
/** Reads `buffer.length` bytes of the file at `position`; answers how many it read. */
export type ReadAt = (buffer: Buffer, position: number) => number;

/** A page the trees reach that lmdb could not read safely. */
export interface PageFault {
  page: number;
  /** missing: it lies past the end of the file; damaged: its bytes are not the page it should be. */
  kind: 'missing' | 'damaged';
  detail: string;
}

const PAGE_HEADER = 24;
const NODE_HEADER = 8;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_OVERFLOW = 0x04;
const P_LEAF2 = 0x20;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
/** An MDB_db record (a named database's root and counts) and where its root page number sits. */
const DB_RECORD = 48;
const DB_ROOT = 40;
const NO_PAGE = 0xffffffffffffffffn;

/** Pages read in one call when their numbers lie close together: a cold file is read mostly in order. */
const CHUNK_PAGES = 256;
/** Unneeded pages read to join two runs of needed ones (cheaper than another read). */
const GAP_PAGES = 8;

/**
 * A page reachable from `roots` that is missing or damaged, or undefined when every one is whole.
 * The trees are walked a level at a time, each level's pages read in file order and in chunks, so
 * the walk of a store of a million messages costs about one sequential read of the file.
 */
export function firstPageFault(readAt: ReadAt, pageSize: number, pagesInFile: number, roots: readonly number[]): PageFault | undefined {
  const seen = new Set<number>();
  let level = [...roots];
  while (level.length > 0) {
    const next: number[] = [];
    const overflows: number[] = [];
    let fault: PageFault | undefined;
    const reach = (child: number): void => {
      if (fault !== undefined || seen.has(child)) return;
      seen.add(child);
      if (child >= pagesInFile) fault = missing(child);
      else next.push(child);
    };
    for (const pgno of level) seen.add(pgno);
    fault ??= readInOrder(readAt, pageSize, level, (pgno, page) => {
      const problem = checkTreePage(page, pgno, reach, (first) => (first >= pagesInFile ? (fault ??= missing(first)) : overflows.push(first)));
      return problem === undefined ? fault : { page: pgno, kind: 'damaged', detail: problem };
    });
    fault ??= readInOrder(readAt, pageSize, overflows, (first, page) => {
      if (page.readBigUInt64LE(0) !== BigInt(first) || (page.readUInt16LE(18) & P_OVERFLOW) === 0) return { page: first, kind: 'damaged', detail: 'it is not the first page of a large value' };
      const last = first + page.readUInt32LE(20) - 1;
      return last >= pagesInFile ? missing(last) : undefined;
    });
    if (fault !== undefined) return fault;
    level = next;
  }
  return undefined;
}

const missing = (pgno: number): PageFault => ({ page: pgno, kind: 'missing', detail: 'it lies past the end of the file' });

/** Hands each page to `visit` in file order, reading close pages together; stops at the first fault. */
function readInOrder(readAt: ReadAt, pageSize: number, pages: number[], visit: (pgno: number, page: Buffer) => PageFault | undefined): PageFault | undefined {
  const sorted = [...new Set(pages)].sort((a, b) => a - b);
  let buffer = Buffer.alloc(0);
  for (let start = 0; start < sorted.length; ) {
    let end = start;
    while (end + 1 < sorted.length && sorted[end + 1]! - sorted[end]! <= GAP_PAGES && sorted[end + 1]! - sorted[start]! < CHUNK_PAGES) end += 1;
    const first = sorted[start]!;
    const bytes = (sorted[end]! - first + 1) * pageSize;
    if (buffer.length < bytes) buffer = Buffer.alloc(Math.max(bytes, CHUNK_PAGES * pageSize));
    const read = readAt(buffer.subarray(0, bytes), first * pageSize);
    for (let index = start; index <= end; index += 1) {
      const offset = (sorted[index]! - first) * pageSize;
      const fault = offset + pageSize > read ? missing(sorted[index]!) : visit(sorted[index]!, buffer.subarray(offset, offset + pageSize));
      if (fault !== undefined) return fault;
    }
    start = end + 1;
  }
  return undefined;
}

/** What is wrong with a branch or leaf page; hands the tree pages it points to to `reach` and its large values' first pages to `overflow`. */
function checkTreePage(page: Buffer, pgno: number, reach: (child: number) => void, overflow: (first: number) => void): string | undefined {
  if (page.readBigUInt64LE(0) !== BigInt(pgno)) return 'its header names another page';
  const flags = page.readUInt16LE(18);
  const kind = flags & (P_BRANCH | P_LEAF);
  if (kind !== P_BRANCH && kind !== P_LEAF) return 'it is neither a branch nor a leaf page';
  const lower = page.readUInt16LE(20);
  const upper = page.readUInt16LE(22);
  if (lower > upper || PAGE_HEADER + upper > page.length) return 'its free-space bounds are impossible';
  // Fixed-size duplicates (never used by the hub store) hold no nodes to follow.
  if ((flags & P_LEAF2) !== 0) return undefined;
  for (let index = 0; index < lower >> 1; index += 1) {
    const node = page.readUInt16LE(PAGE_HEADER + 2 * index) + PAGE_HEADER;
    if (node < PAGE_HEADER + upper || node + NODE_HEADER > page.length) return 'a node lies outside the page';
    const data = node + NODE_HEADER + page.readUInt16LE(node + 6);
    if (data > page.length) return 'a key runs past the page';
    const nodeFlags = page.readUInt16LE(node + 4);
    if (kind === P_BRANCH) {
      reach(page.readUInt16LE(node) + page.readUInt16LE(node + 2) * 0x10000 + nodeFlags * 0x100000000);
    } else if ((nodeFlags & F_BIGDATA) !== 0) {
      if (data + 8 > page.length) return 'a large value’s page number runs past the page';
      overflow(pageNumber(page.readBigUInt64LE(data)));
    } else if ((nodeFlags & F_SUBDATA) !== 0) {
      if (data + DB_RECORD > page.length) return 'a database record runs past the page';
      const root = page.readBigUInt64LE(data + DB_ROOT);
      if (root !== NO_PAGE) reach(pageNumber(root));
    }
  }
  return undefined;
}

/** A page number read from the file; an absurd one stays absurd (and past the end) as a number. */
function pageNumber(value: bigint): number {
  return value > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(value);
}
