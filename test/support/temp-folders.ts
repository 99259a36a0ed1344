// Temp folders a group of tests makes as it goes and removes together afterwards (afterAll or
// afterEach), so nothing is left in /tmp even when a test failed half-way.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TempFolders {
  /** A new empty folder under the system's temp folder, its name starting with `prefix`. */
  make(prefix?: string): string;
  /** Removes every folder made so far. */
  removeAll(): void;
}

export function tempFolders(defaultPrefix: string): TempFolders {
  const folders: string[] = [];
  return {
    make: (prefix = defaultPrefix) => {
      const made = mkdtempSync(join(tmpdir(), prefix));
      folders.push(made);
      return made;
    },
    removeAll: () => {
      for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
    },
  };
}
