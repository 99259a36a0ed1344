// Where the hub's store lives inside its data folder. edgeHub keeps its store under the
// container path StorageFolder; the reference hub has no container, so that path is mapped
// below DIR/storage, made safe: no way out of DIR ("..", absolute paths, drive letters).
import { join } from 'node:path';
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
