// A durable key→value table (identity cache, twins, settings): reads are synchronous from lmdb,
// writes go through the store's group commit and resolve once committed.
import type { Database } from 'lmdb';
import type { GroupCommit } from './hub-store-commit.js';

export interface Records<V> {
  get(key: string): V | undefined;
  entries(): [string, V][];
  /** Resolves after commit. */
  put(key: string, value: V): Promise<void>;
  remove(key: string): Promise<void>;
  /** Replaces the whole table in one transaction. */
  replaceAll(entries: Iterable<[string, V]>): Promise<void>;
}

export function createRecords<V>(db: Database<V, string>, commits: GroupCommit): Records<V> {
  return {
    get: (key) => db.get(key),
    entries: () => [...db.getRange()].map(({ key, value }) => [key, value] as [string, V]),
    put: (key, value) =>
      commits.submit(() => {
        db.putSync(key, value);
      }),
    remove: (key) =>
      commits.submit(() => {
        db.removeSync(key);
      }),
    replaceAll(entries) {
      const fresh = [...entries];
      return commits.submit(() => {
        for (const key of [...db.getKeys()]) db.removeSync(key);
        for (const [key, value] of fresh) db.putSync(key, value);
      });
    },
  };
}
