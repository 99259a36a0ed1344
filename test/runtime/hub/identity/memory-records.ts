// A Records<unknown> kept in memory, for the cache tests that do not need a store on disk. Values
// go through structured cloning, as they would through lmdb's encoding, so a test cannot pass by
// sharing objects with the cache. `failNext` makes the next write reject, like a full disk.
import type { Records } from '../../../../src/runtime/store/records.js';

export interface MemoryRecords extends Records<unknown> {
  failNext(error: Error): void;
}

export function memoryRecords(): MemoryRecords {
  const table = new Map<string, unknown>();
  let failure: Error | undefined;
  const write = async (change: () => void): Promise<void> => {
    await Promise.resolve();
    if (failure) {
      const error = failure;
      failure = undefined;
      throw error;
    }
    change();
  };
  return {
    get: (key) => structuredClone(table.get(key)),
    entries: () => [...table.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, value]) => [key, structuredClone(value)]),
    put: (key, value) => write(() => table.set(key, structuredClone(value))),
    remove: (key) => write(() => table.delete(key)),
    replaceAll: (entries) => {
      const fresh = [...entries].map(([key, value]) => [key, structuredClone(value)] as const);
      return write(() => {
        table.clear();
        for (const [key, value] of fresh) table.set(key, value);
      });
    },
    failNext: (error) => {
      failure = error;
    },
  };
}
