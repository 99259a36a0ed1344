// Brings a store written by an older layout up to the current one at open, so that an upgrade
// keeps the messages queued. Layout 1 → 2: each entry of `entries` ([sequence, enqueuedAtMs,
// expiresAtMs]) moves to `queue-entries` as a shared entry ([enqueuedAtMs, expiresAtMs, sequence]);
// its message stays in `messages` with its count in `refs`; the expiry index is dropped. The move
// runs in chunks, each one transaction that removes what it copied, so a migration stopped half-way
// (a kill, a power cut) goes on from where it was at the next open; the layout mark changes last.
import type { RootDatabase } from 'lmdb';
import { LAYOUT_VERSION, openNamed, type EntryKey, type SharedEntry, type StoreDatabases } from './hub-store-layout.js';

/** Layout 1's queue entry: [message sequence, enqueuedAtMs, expiresAtMs or null when infinite]. */
type Layout1Entry = [number, number, number | null];

const CHUNK = 10_000;

/** The layouts this edgewise can migrate from. */
export const MIGRATES_FROM = [1];

export function migrateLayout(root: RootDatabase, dbs: StoreDatabases, from: number): void {
  if (from !== 1) throw new Error(`no migration from layout ${from}`);
  const entries = openNamed<Layout1Entry, EntryKey>(root, 'entries');
  const expiry = openNamed<number, [number, string, number, number]>(root, 'expiry');
  for (;;) {
    const moved = root.transactionSync(() => {
      const chunk = [...entries.getRange({ limit: CHUNK })];
      for (const { key, value } of chunk) {
        const [sequence, enqueuedAtMs, expiresAtMs] = value;
        const shared: SharedEntry = [enqueuedAtMs, expiresAtMs, sequence];
        dbs.entries.putSync(key, shared);
        entries.removeSync(key);
      }
      return chunk.length;
    });
    if (moved < CHUNK) break;
  }
  root.transactionSync(() => {
    expiry.dropSync();
    entries.dropSync();
    dbs.meta.putSync('layout', LAYOUT_VERSION);
  });
}
