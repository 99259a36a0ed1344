// One server (emulator or edge hub) per data folder: two would share one store and one admin
// socket, each count sequence numbers in memory and rewrite the other's cloud.json or hub.json. The lock
// file holds the owner's process id; a lock whose process is gone (killed with -9) is taken over.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../errors.js';
import { readDataFile } from './data-folder-file.js';

export interface DataFolderLock {
  release(): void;
}

export function lockDataFolder(folder: string): DataFolderLock {
  const path = join(folder, 'serve.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot lock ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the folder's permissions`, 'data-folder-unusable');
    }
    const owner = Number(readDataFile(path)?.trim());
    if (Number.isInteger(owner) && owner > 0 && isRunning(owner)) {
      throw new InputError(`another edgewise server (process ${owner}) uses ${folder}; stop it first, or give this one another --data folder`, 'data-folder-in-use');
    }
    rmSync(path, { force: true }); // left by a server that did not stop cleanly
  }
  throw new InputError(`cannot lock ${folder}: another edgewise server keeps taking it; stop the others first`, 'data-folder-in-use');
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}
