// A cloud store in a fresh temp folder for tests, which can be closed and opened again to prove that
// what was written is on disk. Every store a test opens is closed, and its folder removed, at the end.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openCloudStore, type CloudStore } from '../../../src/runtime/store/open-store.js';

export class ScratchStores {
  private readonly folders: string[] = [];
  private readonly open: CloudStore[] = [];

  /** A new data folder with an open store. */
  fresh(): { folder: string; store: CloudStore } {
    const folder = mkdtempSync(join(tmpdir(), 'edgewise-store-'));
    this.folders.push(folder);
    return { folder, store: this.openIn(folder) };
  }

  /** Closes `store` and opens the same folder again. */
  async reopen(folder: string, store: CloudStore): Promise<CloudStore> {
    await store.close();
    return this.openIn(folder);
  }

  async cleanUp(): Promise<void> {
    await Promise.all(this.open.map((store) => store.close()));
    for (const folder of this.folders) rmSync(folder, { recursive: true, force: true });
  }

  private openIn(folder: string): CloudStore {
    const store = openCloudStore(folder);
    this.open.push(store);
    return store;
  }
}
