// Where a user's own compile caches live, for a Node other than the one that built edgewise (the
// build ships a cache for its own). A code cache is code that V8 runs unchecked, so the folder is
// per user, and on POSIX it is used only when it belongs to this user and nobody else can write in it.
import { isAbsolute, join, resolve } from 'node:path';

/** The folder for this user's caches, or undefined when there is no home to put it in. */
export function userCacheFolder(env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | undefined {
  if (env.EDGEWISE_CACHE_DIR) return resolve(env.EDGEWISE_CACHE_DIR);
  if (platform === 'win32') return env.LOCALAPPDATA ? join(env.LOCALAPPDATA, 'edgewise', 'Cache') : undefined;
  const home = env.HOME;
  if (platform === 'darwin') return home ? join(home, 'Library', 'Caches', 'edgewise') : undefined;
  // XDG Base Directory: a relative XDG_CACHE_HOME is invalid and must be ignored.
  if (env.XDG_CACHE_HOME && isAbsolute(env.XDG_CACHE_HOME)) return join(env.XDG_CACHE_HOME, 'edgewise');
  return home ? join(home, '.cache', 'edgewise') : undefined;
}

interface FolderStat {
  isDirectory(): boolean;
  uid: number;
  mode: number;
}

const WRITABLE_BY_GROUP_OR_OTHERS = 0o022;

/** Whether caches in a folder can be trusted: ours, and writable by nobody else (POSIX). */
export function isPrivateFolder(stat: FolderStat, uid: number | undefined): boolean {
  if (!stat.isDirectory()) return false;
  if (uid === undefined) return true; // Windows: the folder is under the user's own profile
  return stat.uid === uid && (stat.mode & WRITABLE_BY_GROUP_OR_OTHERS) === 0;
}
