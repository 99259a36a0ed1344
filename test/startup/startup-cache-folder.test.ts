// Where a user's compile caches live, and which folders are trusted with them.
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isPrivateFolder, userCacheFolder } from '../../src/cli/startup-cache-folder.js';

const folder = (uid: number, mode: number, directory = true) => ({ isDirectory: () => directory, uid, mode: 0o40000 | mode });

describe('user cache folder', () => {
  it('follows EDGEWISE_CACHE_DIR first', () => {
    expect(userCacheFolder({ EDGEWISE_CACHE_DIR: 'cache', HOME: '/home/ada' }, 'linux')).toBe(resolve('cache'));
  });

  it('follows the XDG base directories on Linux, ignoring a relative XDG_CACHE_HOME', () => {
    expect(userCacheFolder({ XDG_CACHE_HOME: '/var/cache/ada', HOME: '/home/ada' }, 'linux')).toBe(join('/var/cache/ada', 'edgewise'));
    expect(userCacheFolder({ XDG_CACHE_HOME: 'relative', HOME: '/home/ada' }, 'linux')).toBe(join('/home/ada', '.cache', 'edgewise'));
    expect(userCacheFolder({ HOME: '/home/ada' }, 'linux')).toBe(join('/home/ada', '.cache', 'edgewise'));
  });

  it('uses the platform cache folders on macOS and Windows', () => {
    expect(userCacheFolder({ HOME: '/Users/ada' }, 'darwin')).toBe(join('/Users/ada', 'Library', 'Caches', 'edgewise'));
    expect(userCacheFolder({ LOCALAPPDATA: 'C:\\Users\\ada\\AppData\\Local' }, 'win32')).toBe(join('C:\\Users\\ada\\AppData\\Local', 'edgewise', 'Cache'));
  });

  it('has none without a home', () => {
    expect(userCacheFolder({}, 'linux')).toBeUndefined();
    expect(userCacheFolder({}, 'win32')).toBeUndefined();
  });

  it('trusts only a folder of this user that nobody else can write', () => {
    expect(isPrivateFolder(folder(1000, 0o700), 1000)).toBe(true);
    expect(isPrivateFolder(folder(1000, 0o755), 1000)).toBe(true);
    expect(isPrivateFolder(folder(1001, 0o700), 1000)).toBe(false);
    expect(isPrivateFolder(folder(1000, 0o770), 1000)).toBe(false);
    expect(isPrivateFolder(folder(1000, 0o1777), 1000)).toBe(false);
    expect(isPrivateFolder(folder(1000, 0o700, false), 1000)).toBe(false);
    expect(isPrivateFolder(folder(0, 0o700), undefined)).toBe(true);
  });
});
