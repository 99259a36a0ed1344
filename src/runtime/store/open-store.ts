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
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { open, type Database, type Key, type RootDatabase } from 'lmdb';

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

/** Opens (creating when missing) the store of a data folder. Close it before opening it again. */
export function openCloudStore(folder: string): CloudStore {
  const path = join(folder, 'store');
  mkdirSync(path, { recursive: true });
  const root = open({ path, maxDbs: 8, overlappingSync: false });
  const named = <K extends Key>(name: string) => root.openDB<unknown, K>({ name, encoding: 'json' });
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
