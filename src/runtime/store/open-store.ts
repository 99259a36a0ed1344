// The emulator's durable state: one lmdb environment in `{dataFolder}/store`, with a named database
// per kind of record. Commits are synchronous (overlappingSync off), so a write that has resolved is
// on disk, not only visible (docs/FACTS.md §3: a client is acknowledged only after the store has
// its message). The store knows nothing of IoT Hub: runtime/cloud gives the records their shape.
//
// Writes that check and change several records together use `transactionSync`: it commits before it
// returns and rolls everything back when its callback throws. lmdb's asynchronous
// `transaction(callback)` commits the writes made before a throw (measured here with lmdb 3.5.6), so
// a refused request could leave half its changes. A `transactionSync` callback must not return a
// promise (a `put` returns one): that holds the commit open and `close()` never resolves.
//
// Before lmdb maps the file, it is checked as the hub's is (hub-store-check.ts): a truncated or
// garbled data.mdb would otherwise kill the process with SIGBUS. What cannot be opened safely is
// refused with CloudStoreOpenError naming the folder and the recovery; nothing is deleted. The
// folder is owner-only: it holds every identity's keys.
import { join } from 'node:path';
import { open, type Database, type Key, type RootDatabase } from 'lmdb';
import { InputError } from '../../errors.js';
import { dataFileDamage } from './hub-store-check.js';
import { makeOwnerOnlyFolder } from './owner-only-folder.js';

/** The named databases, newest last; a store holding any other is not the emulator's. */
const DATABASE_NAMES = ['devices', 'modules', 'twins', 'telemetry', 'cloudToDevice', 'settings'] as const;

/**
 * The emulator's store folder holds something it cannot open safely (truncated, corrupted, another
 * lmdb store). Nothing is deleted or rewritten: the message names the folder and the recovery.
 */
export class CloudStoreOpenError extends InputError {
  override name = 'CloudStoreOpenError';

  constructor(folder: string, reason: string) {
    super(
      `the emulator store in ${folder} cannot be opened: ${reason}. Stop the emulator, move that folder aside (for example rename it to ${folder}.broken) and start again with an empty store, then add the devices again (their keys change); edgewise never deletes it`,
      'store-corrupt',
    );
  }
}

export interface CloudStore {
  /** The folder holding the lmdb files. */
  readonly path: string;
  readonly root: RootDatabase;
  /** deviceId → device identity. */
  readonly devices: Database<unknown, string>;
  /** [deviceId, moduleId] → module identity. */
  readonly modules: Database<unknown, [string, string]>;
  /** [deviceId, moduleId or ''] → twin record. */
  readonly twins: Database<unknown, [string, string]>;
  /** sequence number → device-to-cloud message. */
  readonly telemetry: Database<unknown, number>;
  /** [deviceId, sequence number] → cloud-to-device message waiting for the device's PUBACK. */
  readonly cloudToDevice: Database<unknown, [string, number]>;
  /** Emulator settings (policy keys and the like), by name. */
  readonly settings: Database<unknown, string>;
  /** Runs `write` in one synchronous write transaction: all of it is committed, or none if it throws. */
  writeSync<T>(write: () => T): T;
  close(): Promise<void>;
}

/** Opens (creating when missing) the store of a data folder. Close it before opening it again. Throws CloudStoreOpenError when it cannot be opened safely. */
export function openCloudStore(folder: string): CloudStore {
  const path = join(folder, 'store');
  makeOwnerOnlyFolder(path, (why) => new CloudStoreOpenError(path, why));
  const damage = dataFileDamage(path);
  if (damage !== undefined) throw new CloudStoreOpenError(path, damage);
  let root: RootDatabase;
  try {
    root = open({ path, maxDbs: 8, overlappingSync: false });
  } catch (error) {
    throw new CloudStoreOpenError(path, `lmdb refused it (${reason(error)})`);
  }
  refuseOtherStores(root, path);
  const named = <K extends Key>(name: (typeof DATABASE_NAMES)[number]) => root.openDB<unknown, K>({ name, encoding: 'json' });
  let closing: Promise<void> | undefined;
  return {
    path,
    root,
    devices: named<string>('devices'),
    modules: named<[string, string]>('modules'),
    twins: named<[string, string]>('twins'),
    telemetry: named<number>('telemetry'),
    cloudToDevice: named<[string, number]>('cloudToDevice'),
    settings: named<string>('settings'),
    writeSync<T>(write: () => T): T {
      return root.transactionSync(() => {
        const result = write();
        if (result instanceof Promise) throw new Error('writeSync takes a synchronous function');
        return result;
      });
    },
    close(): Promise<void> {
      closing ??= root.close();
      return closing;
    },
  };
}

/** Opening a named database makes it: in another program's store (the hub's) that would write into it. */
function refuseOtherStores(root: RootDatabase, path: string): void {
  let existing: string[];
  try {
    existing = [...root.getKeys()].map(String);
  } catch (error) {
    void root.close();
    throw new CloudStoreOpenError(path, `reading it failed (${reason(error)})`);
  }
  const foreign = existing.filter((name) => !(DATABASE_NAMES as readonly string[]).includes(name));
  if (foreign.length > 0) {
    void root.close();
    throw new CloudStoreOpenError(path, `it is an lmdb store but not the emulator's (it holds ${foreign.slice(0, 4).join(', ')})`);
  }
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
