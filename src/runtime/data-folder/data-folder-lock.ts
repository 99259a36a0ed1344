// One server (emulator or edge hub) per data folder: two would share one store and one admin
// socket, each count sequence numbers in memory and rewrite the other's cloud.json or hub.json. The lock
// file holds the owner's process id; a lock whose owner is gone is taken over: its process no
// longer runs (killed with -9), or its process id now belongs to someone else, such as this very
// process (a hub that ran as PID 1 in a container, was killed and started again as PID 1) or, on
// Linux, a process that is not node or edgewise. Not covered: two servers starting at the same
// moment on a lock left behind may both see it stale and both take it over.
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InputError } from '../../errors.js';
import { readDataFile } from './data-folder-file.js';

export interface DataFolderLock {
  release(): void;
}

/** Lock files this process holds: its own process id in one of these is no leftover. */
const held = new Set<string>();

export function lockDataFolder(folder: string): DataFolderLock {
  const path = resolve(join(folder, 'serve.lock'));
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      held.add(path);
      return {
        release: () => {
          held.delete(path);
          rmSync(path, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new InputError(`cannot lock ${folder} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); check the folder's permissions`, 'data-folder-unusable');
    }
    const owner = Number(readDataFile(path)?.trim());
    if (Number.isInteger(owner) && owner > 0 && ownsLock(owner, path)) {
      throw new InputError(`another edgewise server (process ${owner}) uses ${folder}; stop it first, or give this one another --data folder`, 'data-folder-in-use');
    }
    rmSync(path, { force: true }); // left by a server that did not stop cleanly
  }
  throw new InputError(`cannot lock ${folder}: another edgewise server keeps taking it; stop the others first`, 'data-folder-in-use');
}

/** Whether the process `pid` named in the lock file at `path` may still be the server that wrote it. */
function ownsLock(pid: number, path: string): boolean {
  if (pid === process.pid) return held.has(path);
  if (!isRunning(pid)) return false;
  // Linux names each process's command line; elsewhere any live process keeps the lock.
  const commandLine = readDataFile(`/proc/${pid}/cmdline`);
  return commandLine === undefined || /node|edgewise/i.test(commandLine);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, but another user's
  }
}
