// Walks lmdb's B-trees in the data file, page by page, to find a page they reach that the file does
// not hold. Only used when the file is shorter than its meta page says (hub-store-check.ts), so the
// cost of reading every tree page is paid only when truncation is suspected. Page and node layout of
// LMDB 0.9 (mdb.c, as vendored by lmdb-js 3.5): a 24-byte page header (page number, txn id, pad,
// flags, lower, upper or the overflow page count), then 16-bit node offsets counted from the end of
// the header; a node is lo, hi, flags, key size (16 bits each), the key, then the data.
/** Reads `buffer.length` bytes of the file at `position`; answers how many it read. */
export type ReadAt = (buffer: Buffer, position: number) => number;

const PAGE_HEADER = 24;
const P_BRANCH = 0x01;
const P_LEAF = 0x02;
const P_LEAF2 = 0x20;
const F_BIGDATA = 0x01;
const F_SUBDATA = 0x02;
const DB_ROOT = 40;
const NO_PAGE = 0xffffffffffffffffn;

/** The first page reachable from `roots` that lies at or past `pagesInFile`, or undefined when all are inside. */
export function firstMissingPage(readAt: ReadAt, pageSize: number, pagesInFile: bigint, roots: readonly bigint[]): bigint | undefined {
  const page = Buffer.alloc(pageSize);
  const seen = new Set<bigint>();
  const stack = [...roots];
  const load = (pgno: bigint): boolean => readAt(page, Number(pgno) * pageSize) === pageSize;
  while (stack.length > 0) {
    const pgno = stack.pop()!;
    if (seen.has(pgno)) continue;
    seen.add(pgno);
    if (pgno >= pagesInFile || !load(pgno)) return pgno;
    const flags = page.readUInt16LE(18);
    if ((flags & P_LEAF2) !== 0 || (flags & (P_BRANCH | P_LEAF)) === 0) continue;
    const keys = page.readUInt16LE(20) >> 1;
    for (let index = 0; index < keys; index += 1) {
      const node = page.readUInt16LE(PAGE_HEADER + 2 * index) + PAGE_HEADER;
      if (node + 8 > pageSize) return pgno;
      const lo = page.readUInt16LE(node);
      const hi = page.readUInt16LE(node + 2);
      const nodeFlags = page.readUInt16LE(node + 4);
      const data = node + 8 + page.readUInt16LE(node + 6);
      if ((flags & P_BRANCH) !== 0) {
        stack.push(BigInt(lo) | (BigInt(hi) << 16n) | (BigInt(nodeFlags) << 32n));
      } else if ((nodeFlags & F_BIGDATA) !== 0) {
        const overflow = page.readBigUInt64LE(data);
        const missing = missingOverflow(readAt, pageSize, pagesInFile, overflow);
        if (missing !== undefined) return missing;
      } else if ((nodeFlags & F_SUBDATA) !== 0) {
        const root = page.readBigUInt64LE(data + DB_ROOT);
        if (root !== NO_PAGE) stack.push(root);
      }
    }
  }
  return undefined;
}

/** An overflow run (a large value) must lie whole inside the file. */
function missingOverflow(readAt: ReadAt, pageSize: number, pagesInFile: bigint, first: bigint): bigint | undefined {
  if (first >= pagesInFile) return first;
  const header = Buffer.alloc(PAGE_HEADER);
  if (readAt(header, Number(first) * pageSize) < PAGE_HEADER) return first;
  const last = first + BigInt(header.readUInt32LE(20)) - 1n;
  return last >= pagesInFile ? last : undefined;
}
