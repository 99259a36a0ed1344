// Where the hub's store lives inside its data folder. edgeHub keeps its store under the
// container path StorageFolder; the reference hub has no container, so that path is mapped
// below DIR/storage, made safe: no way out of DIR ("..", absolute paths, drive letters).
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { HubSettings } from './hub-settings.js';

/** DIR/storage when storageFolder is unset, else DIR/storage/<storageFolder without leading slashes, sanitized>. */
export function storeFolder(dataFolder: string, settings: Pick<HubSettings, 'storageFolder'>): string {
  const segments = (settings.storageFolder ?? '')
    .split(/[\\/]+/)
    .filter((segment) => segment !== '' && segment !== '.' && segment !== '..')
    // Only portable file-name characters: a drive letter's ':' or a stray '*' becomes '_'.
    .map((segment) => segment.replace(/[^A-Za-z0-9._-]/g, '_'));
  return join(dataFolder, 'storage', ...segments);
}

/**
 * The other hub stores in the data folder: folders under DIR/storage (DIR/storage itself included)
 * holding a data.mdb, except `current`. A storageFolder changed between runs opens a new, empty
 * store and leaves the old queue behind: the hub names these at start so that it is not silent.
 */
export function otherStoresIn(dataFolder: string, current: string): string[] {
  const root = join(dataFolder, 'storage');
  const found: string[] = [];
  const visit = (folder: string, depth: number): void => {
    if (existsSync(join(folder, 'data.mdb')) && resolve(folder) !== resolve(current)) found.push(folder);
    // storeFolder's paths come from a container path: a few levels deep at most.
    if (depth >= 8) return;
    let children: string[];
    try {
      children = readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
    } catch {
      return;
    }
    for (const child of children) visit(join(folder, child), depth + 1);
  };
  visit(root, 0);
  return found;
}
