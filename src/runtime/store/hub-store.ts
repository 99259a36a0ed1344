// The edge hub's durable store: one lmdb environment in the store folder holding the message
// queues and the small tables of the hub's other parts (identity cache, twins, settings). Every
// write goes through one group commit (hub-store-commit.ts): a write resolves only after lmdb has
// committed it, so what the hub acknowledged survives a process kill, and with `sync` the commit is
// also flushed to disk first (power loss). A store that looks truncated or corrupted is refused at
// open with StoreOpenError; nothing is ever wiped.
import { open, type RootDatabase } from 'lmdb';
import { GroupCommit } from './hub-store-commit.js';
import { DEFAULT_MIN_FREE_DISK_BYTES, DiskGuard } from './hub-store-disk-guard.js';
import { StoreOpenError } from './hub-store-errors.js';
import { writeFailure } from './hub-store-failure.js';
import { checkDataFile } from './hub-store-check.js';
import { DATABASE_NAMES, LAYOUT_1_NAMES, LAYOUT_VERSION, openDatabases, type StoreDatabases } from './hub-store-layout.js';
import { MIGRATES_FROM, migrateLayout } from './hub-store-migrate.js';
import { createMessageStore, type MessageStore } from './message-store.js';
import { makeOwnerOnlyFolder } from './owner-only-folder.js';
import { createRecords, type Records } from './records.js';

export { StoreOpenError, StoreWriteError } from './hub-store-errors.js';
export type { MessageStore, QueueStatus, StoredEntry, StoreMessage, StoreTarget, StoreIdentity } from './message-store.js';
export type { Records } from './records.js';

export interface HubStore {
  readonly path: string;
  readonly messages: MessageStore;
  /** The identity cache (scope listing). */
  readonly identities: Records<unknown>;
  /** Twin copies and pending reported patches. */
  readonly twins: Records<unknown>;
  /** Small facts: first sync done, last deployment, … */
  readonly settings: Records<unknown>;
  /** Commits and writes so far (group commit at work), for measurements. */
  commitStats(): { commits: number; writes: number };
  /** Waits for the writes in flight, then closes; later writes reject with StoreWriteError. */
  close(): Promise<void>;
}

export interface HubStoreOptions {
  /** Flush every commit to disk before it resolves (power-loss durability); default false: committed is enough to survive a process kill. */
  sync?: boolean;
  /** Refuse new messages once stored messages reach this many bytes (lmdb-js grows its map by itself, so the store keeps this bound). */
  mapSizeBytes?: number;
  /** Most writes in one commit. */
  maxWritesPerCommit?: number;
  /** Expired entries removed per write, by removeExpired and by a read (which skips at most this many); default 500. */
  expiryChunk?: number;
  /** Refuse new messages while the disk has less free space than this (default 32 MB; 0 turns it off): deliveries need room to free space. */
  minFreeDiskBytes?: number;
}

/** Opens (creating when missing) the hub store in `folder`. Throws StoreOpenError when it cannot be opened safely. */
export function openHubStore(folder: string, options: HubStoreOptions = {}): HubStore {
  makeOwnerOnlyFolder(folder, (why) => new StoreOpenError(folder, why));
  checkDataFile(folder);
  let root: RootDatabase;
  try {
    root = open({
      path: folder,
      noSubdir: false,
      maxDbs: DATABASE_NAMES.length + LAYOUT_1_NAMES.length + 2,
      noSync: options.sync !== true,
      // A commit resolves after it is written; with sync, after it is flushed too (not later).
      overlappingSync: false,
    });
  } catch (error) {
    throw new StoreOpenError(folder, `lmdb refused it (${reason(error)})`);
  }
  try {
    const dbs = openChecked(root, folder);
    const commits = new GroupCommit(root, {
      describeFailure: (error) => writeFailure(error, folder),
      ...(options.maxWritesPerCommit === undefined ? {} : { maxWritesPerCommit: options.maxWritesPerCommit }),
    });
    const messages = createMessageStore(folder, dbs, commits, {
      diskGuard: new DiskGuard(folder, options.minFreeDiskBytes ?? DEFAULT_MIN_FREE_DISK_BYTES),
      ...(options.mapSizeBytes === undefined ? {} : { maxStoredBytes: options.mapSizeBytes }),
      ...(options.expiryChunk === undefined ? {} : { expiryChunk: options.expiryChunk }),
    });
    let closing: Promise<void> | undefined;
    return {
      path: folder,
      messages,
      identities: createRecords(dbs.identities, commits),
      twins: createRecords(dbs.twins, commits),
      settings: createRecords(dbs.settings, commits),
      commitStats: () => ({ ...commits.stats }),
      close() {
        closing ??= commits.drain().then(() => root.close());
        return closing;
      },
    };
  } catch (error) {
    void root.close();
    if (error instanceof StoreOpenError) throw error;
    throw new StoreOpenError(folder, `reading it failed (${reason(error)})`);
  }
}

/** The named databases, after checking the folder holds a hub store of a layout this code reads. */
function openChecked(root: RootDatabase, folder: string): StoreDatabases {
  const existing = [...root.getKeys()].map(String);
  const fresh = existing.length === 0;
  if (!fresh && !existing.includes('meta')) {
    throw new StoreOpenError(folder, `it is an lmdb store but not the hub's (it holds ${existing.slice(0, 4).join(', ')})`);
  }
  const dbs = openDatabases(root);
  const layout = dbs.meta.get('layout');
  // A first start that stopped between making the databases and marking their layout left them empty.
  const unmarked = layout === undefined && dbs.meta.getKeysCount() === 0 && dbs.queues.getKeysCount() === 0;
  if (fresh || unmarked) {
    dbs.meta.putSync('layout', LAYOUT_VERSION);
  } else if (typeof layout === 'number' && MIGRATES_FROM.includes(layout)) {
    migrateLayout(root, dbs, layout);
  } else if (layout !== LAYOUT_VERSION) {
    const newer = typeof layout === 'number' && layout > LAYOUT_VERSION;
    throw new StoreOpenError(
      folder,
      `its layout version is ${String(layout)}, this edgewise reads ${LAYOUT_VERSION}${newer ? ' (a newer edgewise wrote it: run that one on it)' : ''}`,
    );
  }
  return dbs;
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
